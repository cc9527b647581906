package com.quiltdata.edp.store;

import com.quiltdata.edp.aws.Databases;
import com.quiltdata.edp.config.BucketSettings;
import com.quiltdata.edp.config.DatabaseSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.store.postgres.JdbcObjectEventStore;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds the store function from its settings; the only place that reads the environment.
 *
 * @param metricsSink where each invocation's metrics line goes (stdout in Lambda)
 */
public record StoreWiring(BucketSettings buckets, Database database, ObjectEventRecorder recorder, Consumer<String> metricsSink) {

    public static StoreWiring fromEnvironment() {
        return fromEnvironment(System.getenv(), Clock.systemUTC());
    }

    public static StoreWiring fromEnvironment(Map<String, String> vars, Clock clock) {
        Env env = new Env(vars);
        BucketSettings buckets = BucketSettings.from(env);
        DatabaseSettings db = DatabaseSettings.from(env);
        env.validate();
        return of(buckets, Databases.connect(db, vars.get("AWS_REGION")), clock, System.out::println);
    }

    public static StoreWiring of(BucketSettings buckets, Database database, Clock clock, Consumer<String> metricsSink) {
        ObjectEventRecorder recorder = new ObjectEventRecorder(buckets, new JdbcObjectEventStore(database), clock);
        return new StoreWiring(buckets, database, recorder, metricsSink);
    }
}

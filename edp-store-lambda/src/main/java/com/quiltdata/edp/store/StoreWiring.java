package com.quiltdata.edp.store;

import com.quiltdata.edp.aws.Databases;
import com.quiltdata.edp.config.BucketSettings;
import com.quiltdata.edp.config.DatabaseSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.store.postgres.JdbcObjectEventStore;
import java.time.Clock;
import java.util.Map;

/** Builds the store function from its settings; the only place that reads the environment. */
public record StoreWiring(BucketSettings buckets, Database database, ObjectEventRecorder recorder, Metrics metrics) {

    public static StoreWiring fromEnvironment() {
        return fromEnvironment(System.getenv(), Clock.systemUTC());
    }

    public static StoreWiring fromEnvironment(Map<String, String> vars, Clock clock) {
        Env env = new Env(vars);
        BucketSettings buckets = BucketSettings.from(env);
        DatabaseSettings db = DatabaseSettings.from(env);
        env.validate();
        return of(buckets, Databases.connect(db, vars.get("AWS_REGION")), clock, Metrics.toStdout("store", clock));
    }

    public static StoreWiring of(BucketSettings buckets, Database database, Clock clock, Metrics metrics) {
        ObjectEventRecorder recorder = new ObjectEventRecorder(buckets, new JdbcObjectEventStore(database), clock, metrics);
        return new StoreWiring(buckets, database, recorder, metrics);
    }
}

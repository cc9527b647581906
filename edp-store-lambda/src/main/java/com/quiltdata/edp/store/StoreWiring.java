package com.quiltdata.edp.store;

import com.quiltdata.edp.aws.AwsClients;
import com.quiltdata.edp.aws.Databases;
import com.quiltdata.edp.config.BucketSettings;
import com.quiltdata.edp.config.DatabaseSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.store.lambda.LambdaImmediateAnnouncer;
import com.quiltdata.edp.store.postgres.JdbcObjectEventStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * Builds the store function from its settings; the only place that reads the environment.
 *
 * @param metricsSink where each invocation's metrics line goes (stdout in Lambda)
 */
public record StoreWiring(BucketSettings buckets, Database database, ObjectEventRecorder recorder, Consumer<String> metricsSink) {
    /**
     * An asynchronous invoke answers in tens of milliseconds; past this the store gives up and
     * leaves the batch to the scheduled tick rather than hold its SQS batch.
     */
    public static final Duration INVOKE_TIMEOUT = Duration.ofSeconds(2);

    public static StoreWiring fromEnvironment() {
        return fromEnvironment(System.getenv(), Clock.systemUTC());
    }

    public static StoreWiring fromEnvironment(Map<String, String> vars, Clock clock) {
        Env env = new Env(vars);
        BucketSettings buckets = BucketSettings.from(env);
        DatabaseSettings db = DatabaseSettings.from(env);
        ImmediateAnnounceSettings announce = ImmediateAnnounceSettings.from(env);
        env.validate();
        Optional<ObjectEventRecorder.ImmediateTick> immediate = announce.emitFunctionArn()
                .map(arn -> new ObjectEventRecorder.ImmediateTick(announce.rule(), new LambdaImmediateAnnouncer(lambda(announce), arn)));
        return of(buckets, Databases.connect(db, vars.get("AWS_REGION")), clock, System.out::println, immediate);
    }

    public static StoreWiring of(BucketSettings buckets, Database database, Clock clock, Consumer<String> metricsSink) {
        return of(buckets, database, clock, metricsSink, Optional.empty());
    }

    /** Puts the parts together; tests pass their own immediate-tick request (or none). */
    public static StoreWiring of(BucketSettings buckets, Database database, Clock clock, Consumer<String> metricsSink,
            Optional<ObjectEventRecorder.ImmediateTick> immediateTick) {
        ObjectEventRecorder recorder = new ObjectEventRecorder(buckets, new JdbcObjectEventStore(database), clock, immediateTick);
        return new StoreWiring(buckets, database, recorder, metricsSink);
    }

    public static LambdaClient lambda(ImmediateAnnounceSettings settings) {
        return AwsClients.configure(LambdaClient.builder().httpClient(AwsClients.httpClient()), settings.region(), settings.endpoint())
                .overrideConfiguration(o -> o.apiCallTimeout(INVOKE_TIMEOUT))
                .build();
    }
}

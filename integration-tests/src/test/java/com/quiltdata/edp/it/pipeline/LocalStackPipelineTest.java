package com.quiltdata.edp.it.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.quiltdata.edp.testing.TestDatabase;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.regions.Region;

/**
 * The pipeline against LocalStack (a pinned image: S3, SQS, SNS, EventBridge) and a PostgreSQL
 * container, through Testcontainers: the same scenario as {@link MotoPipelineTest}, here with the
 * template's NotificationRule delivering to the SNS topic as well. Disabled (reported as skipped)
 * where no Docker engine answers.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackPipelineTest {
    static final DockerImageName LOCALSTACK_IMAGE = DockerImageName.parse("localstack/localstack:4.14.0");
    static final DockerImageName POSTGRES_IMAGE = DockerImageName.parse("postgres:17");

    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(LOCALSTACK_IMAGE).withServices("s3", "sqs", "sns", "events");

    @Container
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer(POSTGRES_IMAGE);

    @Test
    void objectsWrittenToLocalStackBecomeAPackageThroughTheTemplatesRules() {
        Flyway.configure()
                .dataSource(POSTGRES.getJdbcUrl(), POSTGRES.getUsername(), POSTGRES.getPassword())
                .locations("filesystem:" + TestDatabase.migrationsFolder())
                .load()
                .migrate();
        AwsPipelineScenario.Backend backend = new AwsPipelineScenario.Backend("localstack", LOCALSTACK.getEndpoint(),
                LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey(), Region.of(LOCALSTACK.getRegion()), true, true,
                bucket -> AwsPipelineScenario.enableEventBridgeByRestCall(LOCALSTACK.getEndpoint(), bucket));
        AwsPipelineScenario.Result result = AwsPipelineScenario.run(backend,
                new AwsPipelineScenario.Db(POSTGRES.getJdbcUrl(), POSTGRES.getUsername(), POSTGRES.getPassword()));
        System.out.println(result.summary("localstack"));
        assertEquals(List.of("BucketEventsRule", "PackageObjectsReadyRule", "NotificationRule"), result.rulesCreated());
        assertEquals(List.of(), result.targetsSkipped());
    }
}

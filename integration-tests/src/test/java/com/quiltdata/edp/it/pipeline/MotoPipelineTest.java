package com.quiltdata.edp.it.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.quiltdata.edp.it.MotoServer;
import com.quiltdata.edp.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pipeline with its AWS side on a local moto server (S3 with EventBridge notifications, the
 * template's rules on the default bus and the EDP bus, SQS, SNS) and real PostgreSQL; the test invokes
 * the handlers with what moto delivers (moto cannot run Lambdas without Docker). Skipped where moto is
 * not installed.
 */
class MotoPipelineTest {

    @Test
    void objectsWrittenToMotoBecomeAPackageThroughTheTemplatesRules() {
        assumeTrue(MotoServer.available(), MotoServer::unavailableMessage);
        try (MotoServer moto = MotoServer.start(); TestDatabase db = TestDatabase.create()) {
            // moto 5.2 cannot deliver EventBridge events to an SNS target (the NotificationRule is left out)
            // and gives every S3 event the same envelope id (the scenario gives each one its own)
            AwsPipelineScenario.Backend backend = new AwsPipelineScenario.Backend("moto", moto.endpoint(), "moto", "moto",
                    MotoServer.REGION, false, false, moto::enableEventBridgeNotifications);
            AwsPipelineScenario.Result result = AwsPipelineScenario.run(backend, new AwsPipelineScenario.Db(db.jdbcUrl(), db.user(), db.password()));
            System.out.println(result.summary("moto"));
            assertEquals(List.of("BucketEventsRule", "PackageObjectsReadyRule"), result.rulesCreated());
            assertEquals(List.of("NotificationRule -> Topic"), result.targetsSkipped());
        }
    }
}

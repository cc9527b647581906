package com.quiltdata.edp.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.quiltdata.edp.config.BucketSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.testing.MutableClock;
import com.quiltdata.edp.testing.SampleEvents;
import com.quiltdata.edp.testing.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StoreHandlerTest {
    final MutableClock clock = MutableClock.at("2026-11-02T10:10:00Z");
    final List<String> emf = new ArrayList<>();
    TestDatabase db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
    }

    StoreHandler handler(Database database) {
        Env env = new Env(Map.of("BUCKET_NAMES", "edp-demo-bucket,other-bucket", "BUCKET_PREFIX_DEPTH", "2",
                "BUCKET_IGNORE_PREFIXES", "**/tmp"));
        BucketSettings buckets = BucketSettings.from(env);
        env.validate();
        return new StoreHandler(StoreWiring.of(buckets, database, clock, emf::add));
    }

    static SQSEvent sqs(String... bodies) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("msg-" + i);
            m.setBody(bodies[i]);
            records.add(m);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    static List<String> failed(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    @Test
    void recordsTheSamplesAndReportsOnlyThePoisonMessage() {
        SQSBatchResponse response = handler(db.database()).handleRequest(sqs(
                SampleEvents.load("s3-object-created-put"),
                SampleEvents.load("s3-object-created-copy"),
                "{this is not json",
                SampleEvents.load("s3-object-created-multipart"),
                SampleEvents.load("s3-object-created-key-with-space-and-plus"),
                SampleEvents.load("s3-object-deleted-lifecycle-expiration"),
                SampleEvents.load("s3-test-event"),
                SampleEvents.load("s3-object-restore-completed"),
                SampleEvents.load("s3-object-created-key-with-percent-equals-unicode"),
                Events.body("wrong-bucket", "somebody-elses-bucket", "Object Created", "lab/run-7/x", 1L, "01", Instant.EPOCH)), null);
        assertEquals(List.of("msg-2", "msg-9"), failed(response));
        assertEquals(5, db.scalar("SELECT object_count FROM batch WHERE prefix = 'lab/run-7/'"));
        assertEquals(5, db.scalar("SELECT count(*) FROM object_event"));
        assertEquals(1, db.scalar("SELECT count(*) FROM batch_object WHERE object_key = 'lab/run-7/my file name+v2.csv'"));
        assertEquals(1, db.scalar("SELECT count(*) FROM object_event WHERE raw_key = 'lab/run-7/my+file+name%2Bv2.csv'"));
        String metrics = emf.get(emf.size() - 1);
        assertTrue(metrics.contains("\"EventsStored\":5"), metrics);
        assertTrue(metrics.contains("\"EventsIgnored\":3"), metrics); // lifecycle key under tmp, test event, restore
        assertTrue(metrics.contains("\"MessagesFailed\":2"), metrics);
    }

    @Test
    void theSameBatchAgainChangesNothing() {
        SQSEvent batch = sqs(SampleEvents.load("s3-object-created-put"), SampleEvents.load("s3-object-deleted-delete-marker"));
        handler(db.database()).handleRequest(batch, null);
        clock.advance(java.time.Duration.ofMinutes(3));
        SQSBatchResponse again = handler(db.database()).handleRequest(batch, null);
        assertEquals(List.of(), failed(again));
        assertEquals(1, db.scalar("SELECT object_count FROM batch"));
        assertEquals(1, db.scalar("SELECT deleted_count FROM batch"));
        assertEquals(1, db.scalar("SELECT count(*) FROM batch WHERE last_activity_at = '2026-11-02T10:10:00Z'"));
    }

    @Test
    void aDatabaseOutageFailsEveryEventButAcknowledgesTheIgnored() {
        Database down = new Database("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1", "x", () -> "x");
        SQSBatchResponse response = handler(down).handleRequest(sqs(
                SampleEvents.load("s3-object-created-put"),
                SampleEvents.load("s3-test-event"),
                SampleEvents.load("s3-object-created-copy")), null);
        assertEquals(List.of("msg-0", "msg-2"), failed(response));
    }

    @Test
    void anEmptyBatchIsFine() {
        assertEquals(List.of(), failed(handler(db.database()).handleRequest(new SQSEvent(), null)));
    }

    @Test
    void coldStartNamesEveryMissingSetting() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(com.quiltdata.edp.config.ConfigurationException.class,
                () -> StoreWiring.fromEnvironment(Map.of("BUCKET_PREFIX_DEPTH", "0"), clock));
        assertTrue(e.getMessage().contains("BUCKET_NAMES is required"), e.getMessage());
        assertTrue(e.getMessage().contains("BUCKET_PREFIX_DEPTH must be between 1 and 100"), e.getMessage());
        assertTrue(e.getMessage().contains("DB_HOST is required"), e.getMessage());
    }
}

package com.quiltdata.edp.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.quiltdata.edp.config.BucketSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.testing.MutableClock;
import com.quiltdata.edp.testing.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Records that parse but that PostgreSQL would refuse fail alone; the rest of their SQS batch is stored. */
class RejectedRecordsTest {
    static final Instant TIME = Instant.parse("2026-11-02T10:00:00Z");

    final MutableClock clock = MutableClock.at("2026-11-02T10:10:00Z");
    TestDatabase db;
    StoreHandler handler;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        Env env = new Env(Map.of("BUCKET_NAMES", Events.BUCKET, "BUCKET_PREFIX_DEPTH", "2"));
        BucketSettings buckets = BucketSettings.from(env);
        env.validate();
        handler = new StoreHandler(StoreWiring.of(buckets, db.database(), clock, line -> { }));
    }

    static String valid(int i) {
        return Events.created("lab/run-7/ok-" + i + ".csv", 10, String.format("%02x", i + 1), TIME);
    }

    static String with(String field, String value) {
        return Events.withField(Events.created("lab/run-7/bad.csv", 10, "ff", TIME), field, value);
    }

    static String randomText(int length) {
        Random random = new Random(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    static Stream<Arguments> refusedByPostgres() {
        return Stream.of(
                Arguments.of("NUL in the key, form-encoded", with("detail.object.key", "lab/run-7/a%00b.csv")),
                Arguments.of("NUL in the key, raw", with("detail.object.key", "lab/run-7/a\u0000b.csv")),
                Arguments.of("NUL in the etag", with("detail.object.etag", "abc\u0000def")),
                Arguments.of("NUL in the version id", with("detail.object.version-id", "v\u00001")),
                Arguments.of("NUL in the event id", with("id", "id-\u0000-1")),
                Arguments.of("event id of 3 KB", with("id", randomText(3072))),
                Arguments.of("time in year 10000", with("time", "+10000-01-01T00:00:00Z")),
                Arguments.of("time in year -5000", with("time", "-5000-01-01T00:00:00Z")),
                Arguments.of("time in year 0", with("time", "0000-06-01T00:00:00Z")),
                Arguments.of("time in year one billion", with("time", "+1000000000-01-01T00:00:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedByPostgres")
    void aRecordPostgresWouldRefuseFailsAloneAndTheRestAreStored(String what, String bad) {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            bodies.add(valid(i));
        }
        bodies.add(2, bad);

        List<String> failed = StoreHandlerTest.failed(handler.handleRequest(StoreHandlerTest.sqs(bodies.toArray(String[]::new)), null));

        assertEquals(List.of("msg-2"), failed, what);
        assertEquals(5L, db.scalar("SELECT count(*) FROM object_event"), what);
        assertEquals(5L, db.scalar("SELECT object_count FROM batch WHERE prefix = 'lab/run-7/'"), what);
    }

    @Test
    void sizesWhoseSumOverflowsABatchInOneMessageBatchSaturate() {
        long huge = Long.MAX_VALUE / 2 + 1;
        SQSEvent batch = StoreHandlerTest.sqs(
                Events.created("lab/run-7/a.bin", huge, "01", TIME),
                Events.created("lab/run-7/b.bin", huge, "02", TIME),
                valid(3));

        assertEquals(List.of(), StoreHandlerTest.failed(handler.handleRequest(batch, null)));
        assertEquals(3L, db.scalar("SELECT object_count FROM batch"));
        assertEquals(Long.MAX_VALUE, db.scalar("SELECT total_bytes FROM batch"));
    }

    @Test
    void sizesWhoseSumOverflowsAcrossMessageBatchesSaturate() {
        handler.handleRequest(StoreHandlerTest.sqs(Events.created("lab/run-7/a.bin", Long.MAX_VALUE - 5, "01", TIME)), null);

        List<String> failed = StoreHandlerTest.failed(handler.handleRequest(StoreHandlerTest.sqs(
                Events.created("lab/run-7/b.bin", 10, "02", TIME), valid(3)), null));

        assertEquals(List.of(), failed);
        assertEquals(3L, db.scalar("SELECT object_count FROM batch"));
        assertEquals(Long.MAX_VALUE, db.scalar("SELECT total_bytes FROM batch"));
    }

    @Test
    void whenTheDatabaseRefusesEventsThatPassedValidationOnlyThoseFail() {
        // Given a rule the parser does not know: a constraint only the database enforces
        db.execute("ALTER TABLE object_event ADD CONSTRAINT no_quarantine CHECK (object_key NOT LIKE '%/quarantine-%')");
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            bodies.add(valid(i));
        }
        bodies.add(5, Events.created("lab/run-7/quarantine-1.csv", 1, "a1", TIME));
        bodies.add(19, Events.created("lab/run-7/quarantine-2.csv", 1, "a2", TIME));

        // When
        List<String> failed = StoreHandlerTest.failed(handler.handleRequest(StoreHandlerTest.sqs(bodies.toArray(String[]::new)), null));

        // Then
        assertEquals(List.of("msg-5", "msg-19"), failed);
        assertEquals(24L, db.scalar("SELECT count(*) FROM object_event"));
        assertEquals(24L, db.scalar("SELECT object_count FROM batch WHERE prefix = 'lab/run-7/'"));
        assertEquals(24L, db.scalar("SELECT count(*) FROM batch_object"));
    }

    @Test
    void refusedEventsAreIsolatedOnTheUpsertPathToo() {
        // Given keys already known, so the batch takes the upsert statements, not COPY
        handler.handleRequest(StoreHandlerTest.sqs(valid(0), valid(1), valid(2)), null);
        db.execute("ALTER TABLE object_state ADD CONSTRAINT small_files CHECK (size < 1000)");

        // When
        List<String> failed = StoreHandlerTest.failed(handler.handleRequest(StoreHandlerTest.sqs(
                Events.created("lab/run-7/ok-0.csv", 20, "b0", TIME),
                Events.created("lab/run-7/ok-1.csv", 5000, "b1", TIME),
                Events.created("lab/run-7/ok-2.csv", 30, "b2", TIME)), null));

        // Then
        assertEquals(List.of("msg-1"), failed);
        assertEquals(60L, db.scalar("SELECT total_bytes FROM batch"));
    }

    @Test
    void aTransientDatabaseErrorFailsTheWholeBatchForRetryInsteadOfBisecting() {
        // Given a serialization failure raised while one event is written: retrying helps, so it is not a refusal
        db.execute("""
                CREATE FUNCTION fail_serialization() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.object_key LIKE '%/contended-%' THEN
                        RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001';
                    END IF;
                    RETURN NEW;
                END $$""");
        db.execute("CREATE TRIGGER contended BEFORE INSERT ON object_event FOR EACH ROW EXECUTE FUNCTION fail_serialization()");

        // When
        List<String> failed = StoreHandlerTest.failed(handler.handleRequest(StoreHandlerTest.sqs(
                valid(0), Events.created("lab/run-7/contended-1.csv", 1, "c1", TIME), valid(2)), null));

        // Then every message is retried and nothing was written
        assertEquals(List.of("msg-0", "msg-1", "msg-2"), failed);
        assertEquals(0L, db.scalar("SELECT count(*) FROM object_event"));
    }

    @Test
    void anIndexEntryTooLargeIsARefusalToo() {
        // Given an index on etags, which the parser does not bound: a 3 KB random etag exceeds a btree entry (SQLState 54000)
        db.execute("CREATE INDEX object_event_by_etag ON object_event (etag)");
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            bodies.add(valid(i));
        }
        bodies.add(4, with("detail.object.etag", randomText(3072)));

        // When
        List<String> failed = StoreHandlerTest.failed(handler.handleRequest(StoreHandlerTest.sqs(bodies.toArray(String[]::new)), null));

        // Then
        assertEquals(List.of("msg-4"), failed);
        assertEquals(6L, db.scalar("SELECT count(*) FROM object_event"));
    }
}

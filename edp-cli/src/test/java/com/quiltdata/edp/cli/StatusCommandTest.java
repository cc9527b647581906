package com.quiltdata.edp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.emit.ReadyBatchEmitter;
import com.quiltdata.edp.emit.domain.ReadinessRules;
import com.quiltdata.edp.emit.eventbridge.EventBridgeEventPublisher;
import com.quiltdata.edp.emit.EmitWiring;
import com.quiltdata.edp.emit.postgres.JdbcBatchRepository;
import com.quiltdata.edp.emit.testing.FakeEventBridge;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code edp status} against the real PostgreSQL schema: open batches, and closed ones never announced. */
class StatusCommandTest {
    private static final String BUCKET = "status-bucket";

    @Test
    void shouldShowABatchTheBusRefusedUntilATickAnnouncesItAndFlagItOnceItIsOld() throws Exception {
        // Given an open batch, and a bus that refuses every entry
        TestDatabase db = TestDatabase.create();
        UUID id = insertBatch(db, "lab/run-1/", "open", "now() - interval '10 minutes'", "NULL", "NULL");
        try (FakeEventBridge bus = FakeEventBridge.start().failEntries(e -> true, "InternalFailure")) {
            // When the operator fires it and the bus refuses it
            CapturedTerminal flush = new CapturedTerminal();
            int code = flush.run(withDatabase(db, "flush", BUCKET, "lab/run-1/", "--event-bus", "edp-test",
                    "--endpoint-url", bus.endpoint().toString(), "--region", "us-east-1"));
            assertEquals(EdpCommand.FAILED, code, flush.out() + flush.err());
            assertEquals(1, db.scalar("SELECT count(*) FROM batch WHERE state = 'closed' AND publishing_until IS NULL"));

            // Then status shows it as closed and not yet announced, released for the next tick, not yet stuck
            CapturedTerminal fresh = status(db);
            assertTrue(fresh.out().contains("Open batches (0): none"), fresh.out());
            assertTrue(fresh.out().contains("Closed, not yet announced (1; oldest closed "), fresh.out());
            assertTrue(fresh.out().contains(id.toString()) && fresh.out().contains("manual"), fresh.out());
            assertTrue(fresh.out().contains("released after a failed publish; the next tick announces it"), fresh.out());
            assertFalse(fresh.out().contains("NEED ATTENTION"), fresh.out());

            // When it stays unannounced for an hour
            db.execute("UPDATE batch SET closed_at = closed_at - interval '1 hour' WHERE batch_id = '" + id + "'");

            // Then status flags it, with its age, in the table and in the JSON
            CapturedTerminal old = status(db);
            assertTrue(old.out().contains("oldest closed 1h00m ago): 1 NEED ATTENTION (not announced 2m30s after closing)"), old.out());
            assertTrue(old.out().contains("NEEDED"), old.out());
            assertTrue(old.out().contains("hint: every emit tick is failing"), old.out());
            JsonNode closed = statusJson(db).path("closed_batches");
            assertEquals(1, closed.path("count").asLong(), closed.toString());
            assertEquals(1, closed.path("needing_attention").asLong(), closed.toString());
            assertEquals(150, closed.path("attention_after_seconds").asLong(), closed.toString());
            assertTrue(closed.path("oldest_age_seconds").asLong() >= 3600, closed.toString());
            JsonNode batch = closed.path("batches").path(0);
            assertEquals(BUCKET, batch.path("bucket").asText());
            assertEquals("lab/run-1/", batch.path("prefix").asText());
            assertEquals(id.toString(), batch.path("batch_id").asText());
            assertEquals("released", batch.path("lease_state").asText());
            assertTrue(batch.path("needs_attention").asBoolean(), batch.toString());

            // When the bus heals and the emit Lambda's own tick runs
            bus.heal();
            Clock clock = Clock.systemUTC();
            ReadyBatchEmitter emitter = new ReadyBatchEmitter(new JdbcBatchRepository(db.database()),
                    new EventBridgeEventPublisher(EmitWiring.eventBridge("us-east-1", Optional.of(bus.endpoint())), "edp-test", clock),
                    new ReadinessRules(20, Duration.ofMinutes(5), Duration.ZERO, List.of()), Optional.empty(), clock,
                    Duration.ofSeconds(5), 100);
            assertEquals(1, emitter.emitDue(() -> Duration.ofSeconds(60)).republished());

            // Then it is announced, and status shows no closed batch any more
            assertEquals(1, db.scalar("SELECT count(*) FROM batch WHERE state = 'emitted'"));
            assertTrue(status(db).out().contains("Closed, not yet announced: none"));
        }
    }

    @Test
    void shouldCountEveryClosedBatchListTheOldestAndTellEachLease() {
        // Given five closed batches (an hour old and released, 20 minutes with a lease that ran out, 3 minutes,
        // one minute with a lease still held, just now), an open one and an emitted one
        TestDatabase db = TestDatabase.create();
        UUID hour = insertBatch(db, "a/hour/", "closed", "now() - interval '1 hour'", "now() - interval '1 hour'", "NULL");
        UUID expired = insertBatch(db, "a/expired/", "closed", "now() - interval '20 minutes'", "now() - interval '20 minutes'",
                "now() - interval '18 minutes'");
        insertBatch(db, "a/three/", "closed", "now() - interval '3 minutes'", "now() - interval '3 minutes'", "NULL");
        UUID held = insertBatch(db, "a/held/", "closed", "now() - interval '1 minute'", "now() - interval '1 minute'",
                "now() + interval '1 minute'");
        insertBatch(db, "a/now/", "closed", "now()", "now()", "now() + interval '2 minutes'");
        insertBatch(db, "a/open/", "open", "now()", "NULL", "NULL");
        insertBatch(db, "a/emitted/", "emitted", "now() - interval '2 hours'", "now() - interval '2 hours'", "NULL");

        // When status lists two of them
        JsonNode closed = statusJson(db, "--closed", "2").path("closed_batches");

        // Then all five are counted, three are past 2m30s, and the two oldest are listed, oldest first
        assertEquals(5, closed.path("count").asLong(), closed.toString());
        assertEquals(3, closed.path("needing_attention").asLong(), closed.toString());
        assertEquals(List.of(hour.toString(), expired.toString()), ids(closed));
        assertEquals("released", closed.path("batches").path(0).path("lease_state").asText());
        assertEquals("expired", closed.path("batches").path(1).path("lease_state").asText());
        assertTrue(closed.path("batches").path(1).path("lease").asText().startsWith("ran out 18m"), closed.toString());

        // And with a threshold of ten minutes and room for all, the held lease shows and only two are flagged
        JsonNode all = statusJson(db, "--attention-after", "10m").path("closed_batches");
        assertEquals(2, all.path("needing_attention").asLong(), all.toString());
        assertEquals(5, all.path("batches").size());
        JsonNode heldRow = all.path("batches").path(3);
        assertEquals(held.toString(), heldRow.path("batch_id").asText());
        assertEquals("held", heldRow.path("lease_state").asText());
        assertFalse(heldRow.path("needs_attention").asBoolean());
        assertEquals(List.of(true, true, false, false, false), flags(all));

        // And the text output says how many were left out
        CapturedTerminal text = status(db, "--closed", "2");
        assertTrue(text.out().contains("Closed, not yet announced (5; oldest closed 1h00m ago): 3 NEED ATTENTION"), text.out());
        assertTrue(text.out().contains("... and 3 more (--closed N lists more)"), text.out());
        assertFalse(text.out().contains("a/emitted/"), text.out());
    }

    @Test
    void shouldRefuseANegativeBound() {
        TestDatabase db = TestDatabase.create();
        CapturedTerminal t = new CapturedTerminal();
        assertEquals(EdpCommand.USAGE, t.run(withDatabase(db, "status", "--closed", "-1")));
        assertTrue(t.err().contains("--closed must be 0 or more, got -1"), t.err());
    }

    @Test
    void attentionThresholdIsTheEmitLeasePlusThreeTicks() {
        // the emit Lambda's own lease, plus three tick periods
        assertEquals(ReadyBatchEmitter.MAX_LEASE.plusSeconds(30), StatusCommand.attentionAfter(Duration.ofSeconds(10)));
        assertEquals(Duration.ofSeconds(150), StatusCommand.attentionAfter(Duration.ofSeconds(10)));
        assertEquals(Duration.ofMinutes(5), StatusCommand.attentionAfter(Duration.ofSeconds(60)));
        assertEquals("59s", StatusCommand.age(59));
        assertEquals("2m30s", StatusCommand.age(150));
        assertEquals("1h00m", StatusCommand.age(3600 + 59));
        assertEquals("2d04h", StatusCommand.age(2 * 86400 + 4 * 3600 + 1));
    }

    /** A batch row as the store and the emit Lambda write it; SQL expressions for the times. */
    private static UUID insertBatch(TestDatabase db, String prefix, String state, String openedAt, String closedAt, String publishingUntil) {
        UUID id = UUID.randomUUID();
        db.execute("INSERT INTO batch (batch_id, bucket, prefix, state, object_count, total_bytes, first_event_time, last_event_time,"
                + " opened_at, last_activity_at, trigger, closed_at, publishing_until, emitted_at) VALUES ('" + id + "', '" + BUCKET
                + "', '" + prefix + "', '" + state + "', 2, 20, " + openedAt + ", " + openedAt + ", " + openedAt + ", " + openedAt
                + ", " + (state.equals("open") ? "NULL" : "'quiet'") + ", " + closedAt + ", " + publishingUntil + ", "
                + (state.equals("emitted") ? closedAt : "NULL") + ")");
        return id;
    }

    private static CapturedTerminal status(TestDatabase db, String... more) {
        CapturedTerminal t = new CapturedTerminal();
        List<String> args = new ArrayList<>(List.of("status"));
        args.addAll(List.of(more));
        assertEquals(EdpCommand.OK, t.run(withDatabase(db, args.toArray(String[]::new))), t.err());
        return t;
    }

    private static JsonNode statusJson(TestDatabase db, String... more) {
        List<String> args = new ArrayList<>(List.of("--json"));
        args.addAll(List.of(more));
        return Json.parse(status(db, args.toArray(String[]::new)).out());
    }

    private static String[] withDatabase(TestDatabase db, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--jdbc-url", db.jdbcUrl(), "--db-user", db.user(), "--db-password", db.password()));
        return all.toArray(String[]::new);
    }

    private static List<String> ids(JsonNode closed) {
        List<String> ids = new ArrayList<>();
        closed.path("batches").forEach(b -> ids.add(b.path("batch_id").asText()));
        return ids;
    }

    private static List<Boolean> flags(JsonNode closed) {
        List<Boolean> flags = new ArrayList<>();
        closed.path("batches").forEach(b -> flags.add(b.path("needs_attention").asBoolean()));
        return flags;
    }
}

package com.quiltdata.edp.emit.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.emit.port.BatchRepository.BatchStats;
import com.quiltdata.edp.emit.testing.OpenBatches;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gauges every emit tick reports (ADR 0316): the open set, and the batches closed for
 * announcement that no tick has marked emitted, read without touching the emitted history.
 */
class BatchStatsTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final int HISTORY = 100_000;
    private TestDatabase db;

    @BeforeEach
    void database() {
        db = TestDatabase.create();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void shouldCountClosedBatchesOnlyAndDateTheOldestClosed() throws SQLException {
        // Given open batches, a long emitted history and three batches closed at different times
        OpenBatches.insert(db, "b1", "lab/open-1/", 2, T0.plusSeconds(5), T0.plusSeconds(5));
        OpenBatches.insert(db, "b1", "lab/open-2/", 2, T0.plusSeconds(50), T0.plusSeconds(50));
        emittedHistory(HISTORY);
        closed("lab/closed-2/", T0.plusSeconds(20), T0.plusSeconds(200));
        closed("lab/closed-1/", T0.plusSeconds(10), null);
        closed("lab/closed-3/", T0.plusSeconds(30), T0.plusSeconds(300));

        BatchStats stats = new JdbcBatchRepository(db.database()).batchStats();

        // Then only the closed ones are counted as closed, the oldest by its closed_at, whatever its lease
        assertEquals(3, stats.closedCount());
        assertEquals(Optional.of(T0.plusSeconds(10)), stats.oldestClosedAt());
        assertEquals(2, stats.openCount());
        assertEquals(Optional.of(T0.plusSeconds(5)), stats.oldestOpenedAt());
    }

    @Test
    void shouldReportNoneWhenNothingIsOpenOrClosed() {
        emittedHistory(1_000);

        BatchStats stats = new JdbcBatchRepository(db.database()).batchStats();

        assertEquals(new BatchStats(0, Optional.empty(), 0, Optional.empty()), stats);
    }

    @Test
    void shouldReadTheSmallSetsThroughTheirPartialIndexesNotTheHistory() throws SQLException {
        // Given 100,000 emitted batches, a handful closed and a handful open, and fresh planner statistics
        emittedHistory(HISTORY);
        for (int i = 0; i < 5; i++) {
            closed("lab/closed-" + i + "/", T0.plusSeconds(i), null);
            OpenBatches.insert(db, "b1", "lab/open-" + i + "/", 1, T0, T0);
        }
        db.execute("VACUUM ANALYZE batch");

        // When the tick's statement is explained as it runs
        JsonNode plan = explain(JdbcBatchRepository.BATCH_STATS);
        long historyPages = db.scalar("SELECT relpages FROM pg_class WHERE oid = 'batch'::regclass");
        // baseline in the same run: the open-only statement the tick ran before the closed gauges
        JsonNode openOnly = explain("SELECT count(*), min(opened_at) FROM batch WHERE state = 'open'");
        System.out.println("batch stats over " + HISTORY + " emitted batches (" + historyPages + " pages): "
                + plan.path("Execution Time").asDouble() + " ms, " + buffers(plan.path("Plan")) + " buffers, plan " + nodes(plan.path("Plan"))
                + "; open only: " + openOnly.path("Execution Time").asDouble() + " ms, " + buffers(openOnly.path("Plan")) + " buffers");

        // Then no node scans the batch table sequentially, the closed set comes from batch_closed,
        // and the pages touched are a few, not the thousands the history fills
        List<String> nodes = nodes(plan.path("Plan"));
        assertTrue(nodes.stream().noneMatch(n -> n.startsWith("Seq Scan")), "the statement scans the history: " + nodes);
        assertTrue(nodes.stream().anyMatch(n -> n.endsWith("using batch_closed")), "the closed set is not read through batch_closed: " + nodes);
        long touched = buffers(plan.path("Plan"));
        assertTrue(touched < 50 && touched * 20 < historyPages, touched + " buffers for a table of " + historyPages + " pages");
    }

    private JsonNode explain(String sql) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return Json.parse(rs.getString(1)).get(0);
        }
    }

    /** Each node as "Node Type" plus " using index" when it reads one. */
    private static List<String> nodes(JsonNode plan) {
        List<String> nodes = new ArrayList<>();
        String index = plan.path("Index Name").asText("");
        nodes.add(plan.path("Node Type").asText() + (index.isEmpty() ? "" : " using " + index));
        plan.path("Plans").forEach(child -> nodes.addAll(nodes(child)));
        return nodes;
    }

    /** Shared buffers the top node hit or read (they include its children's). */
    private static long buffers(JsonNode plan) {
        return plan.path("Shared Hit Blocks").asLong() + plan.path("Shared Read Blocks").asLong();
    }

    /** {@code count} batches announced long ago, as a deployment's history holds them. */
    private void emittedHistory(int count) {
        db.execute("""
                INSERT INTO batch (batch_id, bucket, prefix, state, object_count, first_event_time, last_event_time,
                                   opened_at, last_activity_at, trigger, closed_at, emitted_at)
                SELECT gen_random_uuid(), 'b1', 'lab/run-' || i || '/', 'emitted', 5, t, t, t, t, 'count', t, t
                FROM generate_series(1, %d) AS i, LATERAL (SELECT timestamptz '2026-01-01' + i * interval '1 minute' AS t) AS at"""
                .formatted(count));
    }

    /** A batch a tick closed at {@code closedAt}, with its lease (null: given back after a refused entry). */
    private void closed(String prefix, Instant closedAt, Instant publishingUntil) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO batch (batch_id, bucket, prefix, state, object_count, first_event_time, last_event_time,
                                           opened_at, last_activity_at, trigger, closed_at, publishing_until)
                        VALUES (gen_random_uuid(), 'b1', ?, 'closed', 5, ?, ?, ?, ?, 'count', ?, ?)""")) {
            Timestamp opened = Timestamp.from(T0.minusSeconds(600));
            ps.setString(1, prefix);
            for (int i = 2; i <= 5; i++) {
                ps.setTimestamp(i, opened);
            }
            ps.setTimestamp(6, Timestamp.from(closedAt));
            ps.setTimestamp(7, publishingUntil == null ? null : Timestamp.from(publishingUntil));
            ps.executeUpdate();
        }
    }
}

package com.quiltdata.edp.emit.bench;

import com.quiltdata.edp.emit.Deadline;
import com.quiltdata.edp.emit.EmitTick;
import com.quiltdata.edp.emit.PackageReadyAnnouncer;
import com.quiltdata.edp.emit.ReadyBatchEmitter;
import com.quiltdata.edp.emit.domain.BusEvent;
import com.quiltdata.edp.emit.domain.ReadinessRules;
import com.quiltdata.edp.emit.port.EventPublisher;
import com.quiltdata.edp.emit.port.PublishResult;
import com.quiltdata.edp.emit.postgres.JdbcBatchRepository;
import com.quiltdata.edp.emit.postgres.JdbcPackageRevisionRepository;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.testing.MutableClock;
import com.quiltdata.edp.testing.TestDatabase;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Times the database part of one emit tick (claim, mark, commit in rounds; open-set statistics;
 * package revisions) over histories of different sizes, each with 10,000 open batches of which
 * 1,000 are due (250 by count, quiet, max age and sentinel each). Publishing is an in-memory
 * no-op, so only the database work is measured. Run by {@code bench/emit}.
 *
 * <p>Arguments: the history sizes in recorded events (default 100000 10000000) and, optionally,
 * {@code --runs=N} (default 11; the median is reported). All histories are built first and the
 * ticks are interleaved across them.
 */
public final class EmitBenchmark {
    static final int OPEN = 10_000;
    static final int DUE_PER_TRIGGER = 250;
    static final int OBJECTS_PER_OPEN = 3;
    static final int OBJECTS_PER_COUNT_DUE = 20;
    static final int OBJECTS_PER_HISTORY_BATCH = 10;
    static final Instant NOW = Instant.parse("2026-11-02T12:00:00Z");
    static final ReadinessRules RULES = new ReadinessRules(20, Duration.ofSeconds(300), Duration.ofSeconds(3600), List.of("_SUCCESS"));

    public static void main(String[] args) throws Exception {
        try {
            measure(args);
        } finally {
            TestDatabase.shutdownEmbedded();
        }
        System.exit(0); // in-process emulators leave non-daemon threads behind
    }

    private static void measure(String[] args) throws Exception {
        PrintStream out = System.out;
        Log.redirect(System.err, true);
        List<Long> sizes = new ArrayList<>();
        int runs = 11;
        for (String a : args) {
            if (a.startsWith("--runs=")) {
                runs = Integer.parseInt(a.substring(7));
            } else {
                sizes.add(Long.parseLong(a.replace("_", "")));
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(100_000L, 10_000_000L);
        }
        // Build every history first, then run the ticks interleaved (small, large, small, ...), so
        // load from other processes on a shared machine falls on all sizes alike.
        List<TestDatabase> dbs = new ArrayList<>();
        List<Database> databases = new ArrayList<>();
        for (long size : sizes) {
            TestDatabase db = TestDatabase.create();
            long fillStart = System.nanoTime();
            long recorded = fill(db, size);
            out.printf(Locale.ROOT, "history=%d recorded_events=%d fill_s=%.1f%n", size, recorded, (System.nanoTime() - fillStart) / 1e9);
            out.flush();
            dbs.add(db);
            databases.add(db.database());
        }
        int due = 0;
        double[][] times = new double[sizes.size()][runs];
        for (int s = 0; s < sizes.size(); s++) {
            // the first tick finds no remembered sentinel lookups and fills batch_sentinel_check (ADR 0204)
            double first = timeTick(dbs.get(s), databases.get(s));
            out.printf(Locale.ROOT, "history=%d first_tick_ms=%.1f%n", sizes.get(s), first);
            for (int w = 0; w < 4; w++) {
                timeTick(dbs.get(s), databases.get(s)); // JIT and caches
            }
        }
        for (int r = 0; r < runs; r++) {
            for (int s = 0; s < sizes.size(); s++) {
                times[s][r] = timeTick(dbs.get(s), databases.get(s));
            }
        }
        double[] medians = new double[sizes.size()];
        for (int s = 0; s < sizes.size(); s++) {
            double[] sorted = times[s].clone();
            Arrays.sort(sorted);
            medians[s] = sorted[runs / 2];
            out.printf(Locale.ROOT, "history=%d tick_ms=%s median_ms=%.1f%n", sizes.get(s),
                    Arrays.toString(Arrays.stream(times[s]).map(t -> Math.round(t * 10) / 10.0).toArray()), medians[s]);
        }
        due = lastDue;
        // The price of each extra tick per minute (ADR 0206): a tick with nothing due, which still lists
        // the due set and measures the open set (the default rules: no sentinels)
        for (int s = 0; s < sizes.size(); s++) {
            double[] idle = new double[runs];
            for (int r = 0; r < runs; r++) {
                idle[r] = timeIdleTick(databases.get(s));
            }
            double[] sorted = idle.clone();
            Arrays.sort(sorted);
            out.printf(Locale.ROOT, "history=%d idle_tick_ms=%s median_ms=%.1f%n", sizes.get(s),
                    Arrays.toString(Arrays.stream(idle).map(t -> Math.round(t * 10) / 10.0).toArray()), sorted[runs / 2]);
        }
        for (int s = 0; s < sizes.size(); s++) {
            databases.get(s).close();
            dbs.get(s).execute("DROP SCHEMA " + dbs.get(s).schema() + " CASCADE");
        }
        double small = medians[0];
        double large = medians[medians.length - 1];
        out.printf(Locale.ROOT, "emit small_ms=%.1f large_ms=%.1f ratio=%.2f due=%d%n", small, large, large / small, due);
        out.flush();
    }

    private static int lastDue;

    /** One tick over the history: its wall time in ms; then the emitted batches are reopened. */
    private static double timeTick(TestDatabase db, Database database) throws SQLException {
        CountingPublisher publisher = new CountingPublisher();
        EmitTick tick = tick(database, publisher);
        long t0 = System.nanoTime();
        EmitTick.Summary summary = tick.run(Deadline.none());
        double ms = (System.nanoTime() - t0) / 1e6;
        lastDue = summary.emitted().emitted();
        if (lastDue != 4 * DUE_PER_TRIGGER || publisher.count != lastDue) {
            throw new IllegalStateException("expected " + 4 * DUE_PER_TRIGGER + " due batches, emitted " + lastDue);
        }
        reopen(db);
        return ms;
    }

    /** A tick under rules that make no open batch due: its wall time in ms. */
    private static double timeIdleTick(Database database) {
        CountingPublisher publisher = new CountingPublisher();
        EmitTick tick = tick(database, publisher, IDLE_RULES);
        long t0 = System.nanoTime();
        EmitTick.Summary summary = tick.run(Deadline.none());
        double ms = (System.nanoTime() - t0) / 1e6;
        if (summary.emitted().emitted() != 0 || publisher.count != 0) {
            throw new IllegalStateException("expected an idle tick, emitted " + summary.emitted().emitted());
        }
        return ms;
    }

    private static final ReadinessRules IDLE_RULES = new ReadinessRules(Integer.MAX_VALUE, Duration.ofDays(365), Duration.ZERO, List.of());

    private static EmitTick tick(Database database, EventPublisher publisher) {
        return tick(database, publisher, RULES);
    }

    private static EmitTick tick(Database database, EventPublisher publisher, ReadinessRules rules) {
        MutableClock clock = new MutableClock(NOW);
        JdbcBatchRepository batches = new JdbcBatchRepository(database);
        ReadyBatchEmitter emitter = new ReadyBatchEmitter(batches, publisher, rules, Optional.empty(), clock, Duration.ZERO, 100);
        PackageReadyAnnouncer announcer = new PackageReadyAnnouncer(new JdbcPackageRevisionRepository(database), publisher,
                Optional.empty(), clock, Duration.ZERO, 100);
        return new EmitTick(emitter, announcer, batches, new Metrics("emit", clock, line -> { }), clock);
    }

    /** Accepts every event without a network call. */
    static final class CountingPublisher implements EventPublisher {
        int count;

        @Override
        public <E extends BusEvent> PublishResult<E> publish(List<E> events) {
            count += events.size();
            return new PublishResult<>(events, List.of(), false);
        }
    }

    /**
     * History: emitted batches of 10 objects each, with their batch_object and object_event rows;
     * then the open set. Returns the number of recorded events (object_event rows).
     */
    static long fill(TestDatabase db, long size) throws Exception {
        long openEvents = (long) (OPEN - DUE_PER_TRIGGER) * OBJECTS_PER_OPEN + (long) DUE_PER_TRIGGER * OBJECTS_PER_COUNT_DUE
                + DUE_PER_TRIGGER; // the sentinel files
        long history = Math.max(0, size - openEvents);
        long historyBatches = history / OBJECTS_PER_HISTORY_BATCH;
        history = historyBatches * OBJECTS_PER_HISTORY_BATCH;
        String now = "timestamptz '" + NOW + "'";
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            session(st);
            // A tick only reads batch_object and never touches object_event: loading them without
            // WAL changes nothing it measures and makes a 1e7 history fit in minutes.
            st.execute("ALTER TABLE batch_object SET UNLOGGED");
            st.execute("ALTER TABLE object_event SET UNLOGGED");
            // Emitted history, one batch per 10 objects, prefixes reused as a real bucket would;
            // batch ids are md5 uuids like the store's, inserted in id order.
            timed(st, "INSERT INTO batch (batch_id, bucket, prefix, state, object_count, deleted_count, total_bytes,"
                    + " first_event_time, last_event_time, opened_at, last_activity_at, emitted_at, trigger)"
                    + " SELECT md5('h' || b)::uuid, 'bench-bucket', 'hist/p' || (b % 50000) || '/', 'emitted', 10, 0, 10240,"
                    + "        t, t + interval '1 minute', t, t + interval '1 minute', t + interval '7 minutes', 'quiet'"
                    + " FROM generate_series(0, " + (historyBatches - 1) + ") AS b,"
                    + "      LATERAL (SELECT timestamptz '2020-01-01' + b * interval '10 seconds' AS t) AS x"
                    + " ORDER BY 1");
        }
        // The two big tables load in parallel, one connection each (this box has two cores).
        String objects = "INSERT INTO batch_object (batch_id, object_key, file_name, deleted, size, etag, version_id, sequencer, event_time)"
                + " SELECT b.batch_id, b.prefix || 'f' || n || '.csv', 'f' || n || '.csv', false, 1024, 'etag', 'v1',"
                + "        lpad(to_hex(n), 20, '0'), b.last_event_time"
                + " FROM batch b CROSS JOIN generate_series(0, " + (OBJECTS_PER_HISTORY_BATCH - 1) + ") AS n"
                + " WHERE b.state = 'emitted'";
        String events = "INSERT INTO object_event (event_id, bucket, object_key, raw_key, kind, size, etag, version_id, sequencer, event_time, arrived_at)"
                + " SELECT 'evt-' || lpad(i::text, 12, '0'), 'bench-bucket', k, k, 'created', 1024, 'etag', 'v1',"
                + "        lpad(to_hex(i), 20, '0'), t, t"
                + " FROM generate_series(0, " + (history - 1) + ") AS i,"
                + "      LATERAL (SELECT 'hist/p' || ((i / 10) % 50000) || '/f' || (i % 10) || '.csv' AS k,"
                + "                      timestamptz '2020-01-01' + (i / 10) * interval '10 seconds' AS t) AS x";
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Object>> loads = new ArrayList<>();
            for (String sql : List.of(objects, events)) {
                loads.add(pool.submit(() -> {
                    try (Connection c = db.connect(); Statement st = c.createStatement()) {
                        session(st);
                        timed(st, sql);
                    }
                    return null;
                }));
            }
            for (Future<Object> load : loads) {
                load.get();
            }
        } finally {
            pool.shutdown();
        }
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            session(st);
            // The open set: 10,000 batches; 250 due by each rule, the rest not due, in mixed order.
            timed(st, "INSERT INTO batch (batch_id, bucket, prefix, state, object_count, deleted_count, total_bytes,"
                    + " first_event_time, last_event_time, opened_at, last_activity_at)"
                    + " SELECT md5('o' || j)::uuid, 'bench-bucket', 'live/p' || j || '/', 'open', n, 0, n * 1024,"
                    + "        opened, active, opened, active"
                    + " FROM generate_series(0, " + (OPEN - 1) + ") AS j,"
                    + "      LATERAL (SELECT"
                    + "        CASE WHEN j < 250 THEN " + OBJECTS_PER_COUNT_DUE + " WHEN j >= 750 AND j < 1000 THEN " + (OBJECTS_PER_OPEN + 1)
                    + "             ELSE " + OBJECTS_PER_OPEN + " END AS n,"
                    + "        CASE WHEN j >= 500 AND j < 750 THEN " + now + " - (4000 + j) * interval '1 second'"
                    + "             ELSE " + now + " - (400 + (j * 7919) % 3000) * interval '1 second' END AS opened,"
                    + "        CASE WHEN j >= 250 AND j < 500 THEN " + now + " - interval '350 seconds'"
                    + "             ELSE " + now + " - interval '10 seconds' END AS active) AS x"
                    + " ORDER BY 1");
            timed(st, "INSERT INTO batch_object (batch_id, object_key, file_name, deleted, size, etag, version_id, sequencer, event_time)"
                    + " SELECT b.batch_id, b.prefix || f.name, f.name, false, 1024, md5(b.prefix || f.name), 'v', lpad(to_hex(f.n), 20, '0'),"
                    + "        b.last_activity_at"
                    + " FROM batch b, LATERAL (SELECT n, CASE WHEN n = b.object_count - 1 AND b.object_count = " + (OBJECTS_PER_OPEN + 1)
                    + "                                   THEN '_SUCCESS' ELSE 'f' || n || '.csv' END AS name"
                    + "                          FROM generate_series(0, b.object_count - 1) AS n) AS f"
                    + " WHERE b.state = 'open' ORDER BY 1, 2");
            timed(st, "INSERT INTO object_event (event_id, bucket, object_key, raw_key, kind, size, etag, version_id, sequencer, event_time, arrived_at)"
                    + " SELECT 'live-' || md5(o.object_key), 'bench-bucket', o.object_key, o.object_key, 'created', o.size, o.etag, o.version_id,"
                    + "        o.sequencer, o.event_time, o.event_time"
                    + " FROM batch_object o JOIN batch b ON b.batch_id = o.batch_id WHERE b.state = 'open'");
            timed(st, "VACUUM ANALYZE batch");
            timed(st, "VACUUM ANALYZE batch_object");
            timed(st, "VACUUM ANALYZE object_event");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM object_event")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void session(Statement st) throws SQLException {
        st.execute("SET work_mem = '256MB'");
        st.execute("SET maintenance_work_mem = '512MB'");
        st.execute("SET synchronous_commit = off");
        // rows are consistent by construction: skip the per-row foreign-key triggers
        st.execute("SET session_replication_role = replica");
    }

    private static void timed(Statement st, String sql) throws SQLException {
        long t0 = System.nanoTime();
        st.execute(sql);
        System.err.printf(Locale.ROOT, "fill %.1fs %s%n", (System.nanoTime() - t0) / 1e9, sql.substring(0, Math.min(60, sql.length())));
    }

    /** Puts the batches the tick emitted back to open, so the next run has the same work. */
    static void reopen(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("UPDATE batch SET state = 'open', emitted_at = NULL, closed_at = NULL, trigger = NULL WHERE prefix LIKE 'live/%' AND state = 'emitted'");
            st.execute("VACUUM ANALYZE batch");
        }
    }

    private EmitBenchmark() {}
}

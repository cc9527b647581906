package com.quiltdata.edp.store.bench;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.quiltdata.edp.config.BucketSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.domain.Sequencer;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.store.Events;
import com.quiltdata.edp.store.StoreHandler;
import com.quiltdata.edp.store.StoreWiring;
import com.quiltdata.edp.testing.TestDatabase;
import java.io.PrintStream;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * Store throughput: synthetic S3 events through the real handler (JSON parsing, placement, the
 * set-based SQL) into PostgreSQL, against two baselines in the same run: one autocommitted INSERT
 * per event (the event row only), and a bare COPY of every row our path wrote.
 *
 * Usage: StoreBenchmark [events] [prefixes] [sqsBatchSize] [grouped|interleaved]
 */
public final class StoreBenchmark {

    public static void main(String[] args) throws Exception {
        try {
            measure(args);
        } finally {
            TestDatabase.shutdownEmbedded();
        }
    }

    private static void measure(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int prefixes = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        // "grouped": each prefix's files arrive together, as a run's uploads do; "interleaved": every
        // SQS batch touches as many prefixes as it can (the worst case for the batch table);
        // "overwrite": grouped, but the second half of the events rewrites the keys of the first
        // half (a rerun writing the same outputs), so no batch of that half is all new
        String order = args.length > 3 ? args[3] : "grouped";
        if (!List.of("grouped", "interleaved", "overwrite").contains(order)) {
            throw new IllegalArgumentException("order must be grouped, interleaved or overwrite, not " + order);
        }
        boolean interleaved = order.equals("interleaved");
        int distinctKeys = order.equals("overwrite") ? (events + 1) / 2 : events;
        PrintStream out = System.out;
        Log.redirect(new PrintStream(PrintStream.nullOutputStream()), true);

        Instant t0 = Instant.parse("2026-11-02T10:00:00Z");
        List<String> bodies = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            int perPrefix = (distinctKeys + prefixes - 1) / prefixes;
            int k = i % distinctKeys;
            String key = interleaved
                    ? "lab/run-" + (k % prefixes) + "/file-" + (k / prefixes) + ".csv"
                    : "lab/run-" + (k / perPrefix) + "/file-" + (k % perPrefix) + ".csv";
            bodies.add(Events.body(String.format("evt-%09d", i), "Object Created", key, 1000L + i,
                    String.format("%016x", i + 1), t0.plusMillis(i)));
        }
        out.printf("store: %d events about %d keys over %d prefixes (%s), SQS batches of %d messages%n", events, distinctKeys,
                prefixes, order, batchSize);

        // warm up the JIT and the connection on a throwaway schema
        run(TestDatabase.create(), bodies.subList(0, Math.min(events, 20_000)), batchSize);

        // Rounds interleave the three measurements, so a busy moment on the machine hits all of
        // them alike; each figure is the median of its rounds.
        double[] ours = new double[ROUNDS];
        double[] naive = new double[ROUNDS];
        double[] copy = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            TestDatabase written = TestDatabase.create();
            ours[r] = run(written, bodies, batchSize);
            naive[r] = naive(TestDatabase.create(), bodies, Math.min(events, 20_000));
            copy[r] = copy(written, TestDatabase.create(), events);
            out.printf("round %d: events_per_s=%.0f naive_events_per_s=%.0f copy_rows_per_s=%.0f%n", r + 1, ours[r], naive[r], copy[r]);
        }
        double o = median(ours);
        double n = median(naive);
        double c = median(copy);
        out.printf("store events_per_s=%.0f naive_events_per_s=%.0f copy_rows_per_s=%.0f ratio_vs_naive=%.2f ratio_vs_copy=%.2f%n",
                o, n, c, o / n, o / c);
    }

    private static final int ROUNDS = 3;

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The real handler path, one SQS batch at a time. */
    static double run(TestDatabase db, List<String> bodies, int batchSize) {
        Env env = new Env(Map.of("BUCKET_NAMES", Events.BUCKET, "BUCKET_PREFIX_DEPTH", "2"));
        BucketSettings buckets = BucketSettings.from(env);
        env.validate();
        Clock clock = Clock.systemUTC();
        try (Database database = db.database()) {
            StoreHandler handler = new StoreHandler(StoreWiring.of(buckets, database, clock, s -> { }));
            List<SQSEvent> batches = new ArrayList<>();
            for (int from = 0; from < bodies.size(); from += batchSize) {
                List<SQSEvent.SQSMessage> records = new ArrayList<>();
                for (int i = from; i < Math.min(bodies.size(), from + batchSize); i++) {
                    SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
                    m.setMessageId("m" + i);
                    m.setBody(bodies.get(i));
                    records.add(m);
                }
                SQSEvent e = new SQSEvent();
                e.setRecords(records);
                batches.add(e);
            }
            long start = System.nanoTime();
            for (SQSEvent batch : batches) {
                if (!handler.handleRequest(batch, null).getBatchItemFailures().isEmpty()) {
                    throw new IllegalStateException("benchmark batch had failures");
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long stored = db.scalar("SELECT count(*) FROM object_event");
            if (stored != bodies.size()) {
                throw new IllegalStateException("stored " + stored + " of " + bodies.size());
            }
            return bodies.size() / seconds;
        }
    }

    /** Baseline: one INSERT per event, each its own transaction. Measured on a sample to bound the run time. */
    static double naive(TestDatabase db, List<String> bodies, int sample) throws Exception {
        List<String[]> rows = rows(bodies.subList(0, sample));
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement("INSERT INTO object_event (event_id, bucket, object_key, raw_key, kind, size, etag,"
                        + " version_id, sequencer, event_time, arrived_at) VALUES (?, ?, ?, ?, 'created', ?, ?, NULL, ?, ?::timestamptz, now())")) {
            c.setAutoCommit(true);
            long start = System.nanoTime();
            for (String[] r : rows) {
                ps.setString(1, r[0]);
                ps.setString(2, r[1]);
                ps.setString(3, r[2]);
                ps.setString(4, r[2]);
                ps.setLong(5, Long.parseLong(r[3]));
                ps.setString(6, r[4]);
                ps.setString(7, r[5]);
                ps.setString(8, r[6]);
                ps.executeUpdate();
            }
            return rows.size() / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static final List<String> TABLES = List.of("object_event", "object_state", "batch", "batch_object");

    /**
     * Baseline: a bare COPY of exactly the rows our path wrote (events, key states, batches, batch
     * objects), exported from {@code written} and loaded into an empty schema; reported as events
     * per second so it compares with ours.
     */
    static double copy(TestDatabase written, TestDatabase empty, int events) throws Exception {
        List<String> dumps = new ArrayList<>();
        try (Connection c = written.connect()) {
            var api = c.unwrap(PGConnection.class).getCopyAPI();
            for (String table : TABLES) {
                var out = new java.io.StringWriter();
                api.copyOut("COPY " + table + " TO STDOUT", out);
                dumps.add(out.toString());
            }
        }
        try (Connection c = empty.connect()) {
            var api = c.unwrap(PGConnection.class).getCopyAPI();
            long start = System.nanoTime();
            for (int i = 0; i < TABLES.size(); i++) {
                api.copyIn("COPY " + TABLES.get(i) + " FROM STDIN", new StringReader(dumps.get(i)));
            }
            return events / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** The fields of each event: id, bucket, key, size, etag, sequencer, time. */
    static List<String[]> rows(List<String> bodies) {
        List<String[]> rows = new ArrayList<>(bodies.size());
        for (String body : bodies) {
            var e = ((com.quiltdata.edp.store.domain.S3EventMessage.Parsed.Event) com.quiltdata.edp.store.domain.S3EventMessage.parse(body)).event();
            rows.add(new String[] {e.eventId(), e.bucket(), e.key(), String.valueOf(e.size()), e.etag(),
                Sequencer.normalize(e.sequencer()), e.eventTime().toString()});
        }
        return rows;
    }
}

package com.quiltdata.edp.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.quiltdata.edp.domain.ObjectEvent;
import com.quiltdata.edp.domain.Sequencer;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.store.domain.BatchGrowth;
import com.quiltdata.edp.store.port.ObjectEventStore.PlacedEvent;
import com.quiltdata.edp.store.port.ObjectEventStore.Recorded;
import com.quiltdata.edp.store.port.ObjectEventStore.StoreUnavailableException;
import com.quiltdata.edp.testing.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcObjectEventStoreTest {
    static final String BUCKET = "bucket-a";
    static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    TestDatabase db;
    JdbcObjectEventStore store;
    int ids;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        store = new JdbcObjectEventStore(db.database());
    }

    PlacedEvent created(String prefix, String key, long size, String seq, Instant time) {
        return event(prefix, key, ObjectEvent.Kind.CREATED, size, seq, time);
    }

    PlacedEvent deleted(String prefix, String key, String seq, Instant time) {
        return event(prefix, key, ObjectEvent.Kind.DELETED, null, seq, time);
    }

    PlacedEvent event(String prefix, String key, ObjectEvent.Kind kind, Long size, String seq, Instant time) {
        String id = String.format("evt-%06d", ++ids);
        return new PlacedEvent(new ObjectEvent(id, BUCKET, prefix + key, prefix + key, kind, size, "e", null,
                Sequencer.normalize(seq), time), prefix);
    }

    long openCount(String prefix, String column) {
        return db.scalar("SELECT " + column + " FROM batch WHERE prefix = ? AND state = 'open'", prefix);
    }

    @Test
    void recordsABatchPerPrefixWithCounts() {
        Recorded r = store.record(List.of(
                created("lab/run-1/", "a.csv", 10, "01", T0),
                created("lab/run-1/", "b.csv", 20, "02", T0.plusSeconds(5)),
                created("lab/run-2/", "c.csv", 30, "03", T0)), T0.plusSeconds(1));
        assertEquals(new Recorded(3, 0, 0, 2), r.counts());
        assertEquals(2, openCount("lab/run-1/", "object_count"));
        assertEquals(30, openCount("lab/run-1/", "total_bytes"));
        assertEquals(1, openCount("lab/run-2/", "object_count"));
        assertEquals(T0.plusSeconds(5), instant("SELECT last_event_time FROM batch WHERE prefix = 'lab/run-1/'"));
        // activity is the later of event time and arrival
        assertEquals(T0.plusSeconds(5), instant("SELECT last_activity_at FROM batch WHERE prefix = 'lab/run-1/'"));
        assertEquals(T0.plusSeconds(1), instant("SELECT opened_at FROM batch WHERE prefix = 'lab/run-1/'"));
    }

    @Test
    void redeliveryChangesNothing() {
        List<PlacedEvent> batch = List.of(
                created("lab/run-1/", "a.csv", 10, "01", T0),
                deleted("lab/run-1/", "b.csv", "02", T0));
        store.record(batch, T0);
        Recorded again = store.record(batch, T0.plusSeconds(60));
        assertEquals(new Recorded(0, 2, 0, 0), again.counts());
        assertEquals(1, openCount("lab/run-1/", "object_count"));
        assertEquals(1, openCount("lab/run-1/", "deleted_count"));
        assertEquals(2, db.scalar("SELECT count(*) FROM object_event"));
        assertEquals(T0, instant("SELECT last_activity_at FROM batch"));
        // the same event twice inside one SQS batch is one event
        PlacedEvent c = created("lab/run-1/", "c.csv", 5, "03", T0);
        assertEquals(new Recorded(1, 1, 0, 1), store.record(List.of(c, c), T0).counts());
    }

    @Test
    void newestSequencerWinsWhateverTheOrder() {
        PlacedEvent put = created("lab/run-1/", "a.csv", 10, "0062A5B3F1D9E8A7C1", T0);
        PlacedEvent delete = deleted("lab/run-1/", "a.csv", "0062A5B3F1D9E8A7D0", T0.plusSeconds(1));
        store.record(List.of(delete), T0);
        Recorded late = store.record(List.of(put), T0.plusSeconds(2));
        assertEquals(new Recorded(0, 0, 1, 0), late.counts());
        assertEquals("deleted", text("SELECT kind FROM object_state"));
        assertEquals(0, openCount("lab/run-1/", "object_count"));
        assertEquals(1, openCount("lab/run-1/", "deleted_count"));
        // the shorter sequencer is padded before comparing: ...C1 is newer than ...C
        PlacedEvent older = created("lab/run-1/", "b.csv", 1, "0062A5B3F1D9E8A7C", T0);
        PlacedEvent newer = created("lab/run-1/", "b.csv", 2, "0062A5B3F1D9E8A7C1", T0);
        store.record(List.of(newer, older), T0);
        assertEquals(2, db.scalar("SELECT size FROM object_state WHERE object_key = 'lab/run-1/b.csv'"));
    }

    @Test
    void countsDistinctObjectsAndFollowsOverwritesAndDeletes() {
        store.record(List.of(created("p/q/", "a", 10, "01", T0)), T0);
        store.record(List.of(created("p/q/", "a", 25, "02", T0)), T0);
        store.record(List.of(created("p/q/", "b", 5, "03", T0)), T0);
        assertEquals(2, openCount("p/q/", "object_count"));
        assertEquals(30, openCount("p/q/", "total_bytes"));
        store.record(List.of(deleted("p/q/", "b", "04", T0)), T0);
        assertEquals(1, openCount("p/q/", "object_count"));
        assertEquals(1, openCount("p/q/", "deleted_count"));
        assertEquals(25, openCount("p/q/", "total_bytes"));
        store.record(List.of(created("p/q/", "b", 7, "05", T0)), T0);
        assertEquals(2, openCount("p/q/", "object_count"));
        assertEquals(0, openCount("p/q/", "deleted_count"));
        assertEquals(32, openCount("p/q/", "total_bytes"));
    }

    @Test
    void aBatchMixingNewKeysWithAKnownKeyAndAReplayedEventCountsEachOnce() {
        // first batch: all new, the bulk path
        PlacedEvent a = created("p/q/", "a", 10, "01", T0);
        assertEquals(new Recorded(2, 0, 0, 1), store.record(List.of(a, created("p/q/", "b", 5, "02", T0)), T0).counts());
        // second batch: a replay of a, an overwrite of b, a delete of a and two new keys, one of
        // them twice; the bulk path sees known rows and must give way to the upsert path
        Recorded r = store.record(List.of(a, created("p/q/", "b", 7, "03", T0), deleted("p/q/", "a", "04", T0),
                created("p/q/", "c", 1, "05", T0), created("p/q/", "d", 2, "06", T0), created("p/q/", "d", 3, "07", T0)), T0);
        assertEquals(new Recorded(4, 1, 1, 1), r.counts());
        assertEquals(3, openCount("p/q/", "object_count"));
        assertEquals(1, openCount("p/q/", "deleted_count"));
        assertEquals(7 + 1 + 3, openCount("p/q/", "total_bytes"));
        assertEquals(4, db.scalar("SELECT count(*) FROM batch_object"));
        assertEquals(7, db.scalar("SELECT count(*) FROM object_event"));
        assertEquals("deleted", text("SELECT kind FROM object_state WHERE object_key = 'p/q/a'"));
    }

    @Test
    void theBulkPathStoresEveryValueExactly() {
        // keys with a tab, a newline, a backslash and non-ASCII; times with milli- and microseconds
        Instant eventTime = Instant.parse("2026-11-02T10:00:00.123Z");
        Instant arrived = Instant.parse("2026-11-02T10:00:01.654321Z");
        PlacedEvent tab = created("p/q/", "tab\there", 1234567890123L, "08", eventTime);
        PlacedEvent odd = created("p/q/", "line\nbreak\\x é 日本", 0, "09", eventTime);
        assertEquals(new Recorded(2, 0, 0, 1), store.record(List.of(tab, odd), arrived).counts());
        for (PlacedEvent p : List.of(tab, odd)) {
            String key = p.event().key();
            assertEquals(1, db.scalar("SELECT count(*) FROM object_event WHERE object_key = ? AND raw_key = ? AND size = ? AND event_time = ?"
                    + " AND arrived_at = ? AND sequencer = ? AND etag = 'e' AND version_id IS NULL AND kind = 'created'", key, key,
                    p.event().size(), java.sql.Timestamp.from(eventTime), java.sql.Timestamp.from(arrived), p.event().sequencer()), key);
            assertEquals(1, db.scalar("SELECT count(*) FROM object_state WHERE object_key = ? AND size = ? AND event_time = ? AND event_id = ?",
                    key, p.event().size(), java.sql.Timestamp.from(eventTime), p.event().eventId()), key);
            assertEquals(1, db.scalar("SELECT count(*) FROM batch_object o JOIN batch b USING (batch_id) WHERE o.object_key = ? AND o.size = ?"
                    + " AND o.event_time = ? AND NOT o.deleted AND o.file_name = ?", key, p.event().size(),
                    java.sql.Timestamp.from(eventTime), key.substring(key.lastIndexOf('/') + 1)), key);
        }
    }

    @Test
    void knownKeysAndKeyStatesReadWhatWasRecorded() {
        store.record(List.of(created("p/q/", "a", 10, "01", T0), created("p/q/", "b", 5, "02", T0)), T0);
        store.record(List.of(deleted("p/q/", "b", "03", T0)), T0);

        assertEquals(java.util.Set.of("p/q/a", "p/q/b"), store.knownKeys(BUCKET, List.of("p/q/a", "p/q/b", "p/q/never")));
        assertEquals(java.util.Set.of(), store.knownKeys("another-bucket", List.of("p/q/a")));
        assertEquals(java.util.Set.of(), store.knownKeys(BUCKET, List.of()));

        var states = new java.util.TreeMap<String, com.quiltdata.edp.store.port.ObjectEventStore.KeyState>();
        store.keyStates(BUCKET).forEach(k -> states.put(k.key(), k));
        assertEquals(List.of("p/q/a", "p/q/b"), List.copyOf(states.keySet()));
        assertEquals(false, states.get("p/q/a").deleted());
        assertEquals("e", states.get("p/q/a").etag());
        assertEquals(true, states.get("p/q/b").deleted(), "the newest event of b deleted it");
        assertEquals(Sequencer.normalize("03"), states.get("p/q/b").sequencer());
        assertEquals(List.of(), store.keyStates("another-bucket"));
    }

    @Test
    void aFiredBatchStaysClosedAndTheNextEventOpensANewOne() {
        store.record(List.of(created("lab/run-1/", "a.csv", 10, "01", T0)), T0);
        db.execute("UPDATE batch SET state = 'emitted', emitted_at = now(), trigger = 'quiet'");
        store.record(List.of(created("lab/run-1/", "b.csv", 10, "02", T0.plusSeconds(600))), T0.plusSeconds(600));
        assertEquals(2, db.scalar("SELECT count(*) FROM batch WHERE prefix = 'lab/run-1/'"));
        assertEquals(1, db.scalar("SELECT object_count FROM batch WHERE state = 'emitted'"));
        assertEquals(1, openCount("lab/run-1/", "object_count"));
        assertEquals(T0.plusSeconds(600), instant("SELECT opened_at FROM batch WHERE state = 'open'"));
    }

    @Test
    void batchIdsAreDerivedFromTheOpeningEvent() {
        PlacedEvent e = created("lab/run-1/", "a.csv", 10, "01", T0);
        store.record(List.of(e), T0);
        String first = text("SELECT batch_id::text FROM batch");
        TestDatabase other = TestDatabase.create();
        new JdbcObjectEventStore(other.database()).record(List.of(e), T0.plusSeconds(30));
        assertEquals(1, other.scalar("SELECT count(*) FROM batch WHERE batch_id = ?::uuid", first), "same events, same batch id");
        db.execute("UPDATE batch SET state = 'emitted'");
        store.record(List.of(created("lab/run-1/", "b.csv", 1, "02", T0)), T0);
        assertNotEquals(first, text("SELECT batch_id::text FROM batch WHERE state = 'open'"));
    }

    @Test
    void concurrentWritersToOnePrefixLoseNoCounts() throws Exception {
        int writers = 6;
        int perWriter = 200;
        List<List<PlacedEvent>> work = new ArrayList<>();
        List<PlacedEvent> all = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            List<PlacedEvent> mine = new ArrayList<>();
            for (int i = 0; i < perWriter; i++) {
                // keys shared across writers in two prefixes; sequencers unique and increasing
                PlacedEvent e = created(i % 2 == 0 ? "lab/shared/" : "lab/other/", "k" + (i % 150), 1,
                        String.format("%08x", w * perWriter + i + 1), T0);
                mine.add(e);
                all.add(e);
            }
            work.add(mine);
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> done = new ArrayList<>();
        Random random = new Random(7);
        for (List<PlacedEvent> mine : work) {
            List<PlacedEvent> shuffled = new ArrayList<>(mine);
            Collections.shuffle(shuffled, random);
            done.add(pool.submit(() -> {
                try (Database own = db.database()) {
                    JdbcObjectEventStore writer = new JdbcObjectEventStore(own);
                    for (int from = 0; from < shuffled.size(); from += 20) {
                        writer.record(shuffled.subList(from, Math.min(shuffled.size(), from + 20)), T0);
                        // and every chunk once more, as SQS redelivery would
                        writer.record(shuffled.subList(from, Math.min(shuffled.size(), from + 20)), T0);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        long distinctKeys = all.stream().map(p -> p.event().key()).distinct().count();
        assertEquals(distinctKeys, db.scalar("SELECT sum(object_count) FROM batch"));
        assertEquals(distinctKeys, db.scalar("SELECT count(*) FROM batch_object"));
        assertEquals(distinctKeys, db.scalar("SELECT sum(total_bytes) FROM batch"));
        assertEquals(writers * perWriter, db.scalar("SELECT count(*) FROM object_event"));
        assertEquals(2, db.scalar("SELECT count(*) FROM batch"));
        // each key ends at its newest sequencer
        for (String key : List.of("lab/shared/k0", "lab/other/k1")) {
            String newest = all.stream().filter(p -> p.event().key().equals(key)).map(p -> p.event().sequencer())
                    .max(String::compareTo).orElseThrow();
            assertEquals(newest, text("SELECT sequencer FROM object_state WHERE object_key = '" + key + "'"));
        }
    }

    /**
     * Interleaved order from concurrent writers: every chunk touches every prefix, so the open
     * batches are extended by the UPDATE and, for the prefixes a writer found without a batch,
     * opened by the upsert, racing the other writers that open the same prefix. Counts add up, and
     * exactly one commit per batch sees its count cross a threshold (what ReadyOnCommit relies on).
     */
    @Test
    void concurrentInterleavedWritersOpenEachBatchOnceAndSeeEachCountCrossOnce() throws Exception {
        int writers = 4;
        int prefixes = 30;
        int perWriter = 300;
        int threshold = 25;
        List<List<PlacedEvent>> work = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            List<PlacedEvent> mine = new ArrayList<>();
            for (int i = 0; i < perWriter; i++) {
                mine.add(created("lab/p" + (i % prefixes) + "/", "w" + w + "-" + i, 2, String.format("%08x", w * perWriter + i + 1), T0));
            }
            work.add(mine);
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<List<BatchGrowth>>> done = new ArrayList<>();
        for (List<PlacedEvent> mine : work) {
            done.add(pool.submit(() -> {
                List<BatchGrowth> grown = new ArrayList<>();
                try (Database own = db.database()) {
                    JdbcObjectEventStore writer = new JdbcObjectEventStore(own);
                    for (int from = 0; from < mine.size(); from += prefixes) {
                        grown.addAll(writer.record(mine.subList(from, from + prefixes), T0).grown());
                    }
                }
                return grown;
            }));
        }
        List<BatchGrowth> grown = new ArrayList<>();
        for (Future<List<BatchGrowth>> f : done) {
            grown.addAll(f.get());
        }
        pool.shutdown();
        assertEquals(prefixes, db.scalar("SELECT count(*) FROM batch"));
        assertEquals((long) writers * perWriter / prefixes, db.scalar("SELECT min(object_count) FROM batch"));
        assertEquals((long) writers * perWriter / prefixes, db.scalar("SELECT max(object_count) FROM batch"));
        assertEquals(2L * writers * perWriter, db.scalar("SELECT sum(total_bytes) FROM batch"));
        assertEquals((long) writers * perWriter, db.scalar("SELECT count(*) FROM batch_object"));
        long crossings = grown.stream()
                .filter(g -> g.objectCountBefore() < threshold && g.objectCountAfter() >= threshold).count();
        assertEquals(prefixes, crossings, "one commit per batch crosses the threshold");
    }

    /**
     * A busy bucket's SQS batch moves the counts of every open batch, so one transaction rewrites
     * every row of each batch page. Those updates must stay on their page (HOT), or each one adds
     * an entry to every index of the batch table and the tables bloat under load (ADR 0010).
     */
    @Test
    void anSqsBatchThatMovesEveryOpenBatchRewritesTheirRowsInPlace() throws Exception {
        int prefixes = 1_000;
        List<PlacedEvent> opening = new ArrayList<>();
        for (int p = 0; p < prefixes; p++) {
            opening.add(created("lab/run-" + p + "/", "file-0.csv", 100, String.format("%08x", p + 1), T0));
        }
        store.record(opening, T0);

        try (var c = db.connect()) {
            c.setAutoCommit(false);
            try (var st = c.createStatement()) {
                int updated = st.executeUpdate("UPDATE batch SET object_count = object_count + 1, total_bytes = total_bytes + 100,"
                        + " last_event_time = last_event_time + interval '1 second',"
                        + " last_activity_at = last_activity_at + interval '1 second' WHERE state = 'open'");
                assertEquals(prefixes, updated);
                try (var rs = st.executeQuery("SELECT pg_stat_get_xact_tuples_hot_updated('batch'::regclass)")) {
                    rs.next();
                    assertEquals(prefixes, rs.getLong(1), "updates that stayed on their page (HOT)");
                }
            }
            c.rollback();
        }
    }

    @Test
    void anUnreachableDatabaseFailsTheWholeBatch() {
        Database down = new Database("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1", "x", () -> "x");
        JdbcObjectEventStore broken = new JdbcObjectEventStore(down);
        assertThrows(StoreUnavailableException.class,
                () -> broken.record(List.of(created("a/b/", "c", 1, "01", T0)), T0));
    }

    Instant instant(String sql) {
        try (var c = db.connect(); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    String text(String sql) {
        try (var c = db.connect(); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

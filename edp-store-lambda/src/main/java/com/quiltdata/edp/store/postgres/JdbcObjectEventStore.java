package com.quiltdata.edp.store.postgres;

import com.quiltdata.edp.domain.ObjectEvent;
import com.quiltdata.edp.domain.PrefixRule;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.store.ObjectEventStore;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * Records a whole SQS batch in one transaction with six statements, whatever its size: each
 * statement takes the batch as arrays and {@code unnest}s them. Rows are always touched in a
 * stable order (event id, key, prefix), so concurrent writers queue on row locks instead of
 * deadlocking, and the lock on a batch row serialises every change to that batch's counts.
 */
public final class JdbcObjectEventStore implements ObjectEventStore {

    private static final String INSERT_EVENTS = """
            INSERT INTO object_event (event_id, bucket, object_key, raw_key, kind, size, etag, version_id, sequencer, event_time, arrived_at)
            SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[],
                                 ?::timestamptz[], ?::timestamptz[])
            ON CONFLICT (event_id) DO NOTHING
            RETURNING event_id""";

    /** Newest sequencer per key wins; equal sequencers fall back to the later event time. */
    private static final String UPSERT_STATE = """
            INSERT INTO object_state AS s (bucket, object_key, kind, size, etag, version_id, sequencer, event_id, event_time)
            SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
            ON CONFLICT (bucket, object_key) DO UPDATE SET
                kind = excluded.kind, size = excluded.size, etag = excluded.etag, version_id = excluded.version_id,
                sequencer = excluded.sequencer, event_id = excluded.event_id, event_time = excluded.event_time
            WHERE excluded.sequencer > s.sequencer
               OR (excluded.sequencer = s.sequencer AND excluded.event_time > s.event_time)
            RETURNING event_id""";

    /** The batch id is derived from the event that opened the batch, so it is the same on every replay. */
    private static final String UPSERT_BATCHES = """
            INSERT INTO batch AS b (batch_id, bucket, prefix, first_event_time, last_event_time, opened_at, last_activity_at)
            SELECT md5(t.bucket || E'\\n' || t.prefix || E'\\n' || t.opening_event)::uuid, t.bucket, t.prefix,
                   t.first_event_time, t.last_event_time, t.first_activity, t.last_activity
            FROM unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[])
                 AS t(bucket, prefix, opening_event, first_event_time, last_event_time, first_activity, last_activity)
            ON CONFLICT (bucket, prefix) WHERE state = 'open' DO UPDATE SET
                first_event_time = least(b.first_event_time, excluded.first_event_time),
                last_event_time = greatest(b.last_event_time, excluded.last_event_time),
                last_activity_at = greatest(b.last_activity_at, excluded.last_activity_at)
            RETURNING batch_id, bucket, prefix""";

    private static final String SELECT_PREVIOUS = """
            SELECT o.batch_id, o.object_key, o.deleted, o.size
            FROM batch_object o JOIN unnest(?::uuid[], ?::text[]) AS t(batch_id, object_key)
              ON o.batch_id = t.batch_id AND o.object_key = t.object_key""";

    private static final String UPSERT_OBJECTS = """
            INSERT INTO batch_object AS o (batch_id, object_key, file_name, deleted, size, etag, version_id, sequencer, event_time)
            SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::boolean[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
            ON CONFLICT (batch_id, object_key) DO UPDATE SET
                deleted = excluded.deleted, size = excluded.size, etag = excluded.etag, version_id = excluded.version_id,
                sequencer = excluded.sequencer, event_time = excluded.event_time""";

    private static final String ADD_COUNTS = """
            UPDATE batch AS b SET object_count = b.object_count + d.created, deleted_count = b.deleted_count + d.deleted,
                                  total_bytes = b.total_bytes + d.bytes
            FROM unnest(?::uuid[], ?::int[], ?::int[], ?::bigint[]) AS d(batch_id, created, deleted, bytes)
            WHERE b.batch_id = d.batch_id""";

    private final Database database;

    public JdbcObjectEventStore(Database database) {
        this.database = database;
    }

    @Override
    public Recorded record(List<PlacedEvent> events, Instant arrivedAt) {
        try {
            return database.inTransaction(c -> recordIn(c, events, arrivedAt));
        } catch (SQLException e) {
            throw new StoreUnavailableException("recording " + events.size() + " events failed: " + e.getMessage(), e);
        }
    }

    private Recorded recordIn(Connection c, List<PlacedEvent> input, Instant arrivedAt) throws SQLException {
        // The same event twice in one batch is a duplicate too; keep the first, in event-id order.
        Map<String, PlacedEvent> byId = new TreeMap<>();
        for (PlacedEvent p : input) {
            byId.putIfAbsent(p.event().eventId(), p);
        }
        List<PlacedEvent> unique = new ArrayList<>(byId.values());
        Set<String> fresh = insertEvents(c, unique, arrivedAt);
        int duplicates = input.size() - fresh.size();

        // Per key, only the newest of the fresh events can change anything.
        Map<String, PlacedEvent> newestPerKey = new TreeMap<>();
        for (PlacedEvent p : unique) {
            if (fresh.contains(p.event().eventId())) {
                newestPerKey.merge(p.event().bucket() + "\n" + p.event().key(), p, JdbcObjectEventStore::newer);
            }
        }
        Set<String> winners = upsertState(c, new ArrayList<>(newestPerKey.values()));
        List<PlacedEvent> applied = newestPerKey.values().stream().filter(p -> winners.contains(p.event().eventId())).toList();
        int stale = fresh.size() - applied.size();
        if (applied.isEmpty()) {
            return new Recorded(0, duplicates, stale, 0);
        }
        Map<String, UUID> batchIds = upsertBatches(c, applied, arrivedAt);
        applyToBatches(c, applied, batchIds);
        return new Recorded(applied.size(), duplicates, stale, batchIds.size());
    }

    private static PlacedEvent newer(PlacedEvent a, PlacedEvent b) {
        ObjectEvent x = a.event();
        ObjectEvent y = b.event();
        int bySequencer = x.sequencer().compareTo(y.sequencer());
        if (bySequencer != 0) {
            return bySequencer > 0 ? a : b;
        }
        return x.eventTime().isAfter(y.eventTime()) ? a : b;
    }

    private Set<String> insertEvents(Connection c, List<PlacedEvent> events, Instant arrivedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_EVENTS)) {
            int i = 1;
            ps.setArray(i++, texts(c, events, p -> p.event().eventId()));
            ps.setArray(i++, texts(c, events, p -> p.event().bucket()));
            ps.setArray(i++, texts(c, events, p -> p.event().key()));
            ps.setArray(i++, texts(c, events, p -> p.event().rawKey()));
            ps.setArray(i++, texts(c, events, p -> kind(p.event())));
            ps.setArray(i++, longs(c, events, p -> p.event().size()));
            ps.setArray(i++, texts(c, events, p -> p.event().etag()));
            ps.setArray(i++, texts(c, events, p -> p.event().versionId()));
            ps.setArray(i++, texts(c, events, p -> p.event().sequencer()));
            ps.setArray(i++, times(c, events, p -> p.event().eventTime()));
            ps.setArray(i++, times(c, events, p -> arrivedAt));
            return ids(ps);
        }
    }

    private Set<String> upsertState(Connection c, List<PlacedEvent> events) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT_STATE)) {
            int i = 1;
            ps.setArray(i++, texts(c, events, p -> p.event().bucket()));
            ps.setArray(i++, texts(c, events, p -> p.event().key()));
            ps.setArray(i++, texts(c, events, p -> kind(p.event())));
            ps.setArray(i++, longs(c, events, p -> p.event().size()));
            ps.setArray(i++, texts(c, events, p -> p.event().etag()));
            ps.setArray(i++, texts(c, events, p -> p.event().versionId()));
            ps.setArray(i++, texts(c, events, p -> p.event().sequencer()));
            ps.setArray(i++, texts(c, events, p -> p.event().eventId()));
            ps.setArray(i++, times(c, events, p -> p.event().eventTime()));
            return ids(ps);
        }
    }

    /** What one SQS batch adds to one prefix's open batch. */
    private static final class PrefixSpan {
        final String bucket;
        final String prefix;
        String openingEvent;
        Instant firstEventTime;
        Instant lastEventTime;
        Instant firstActivity;
        Instant lastActivity;

        PrefixSpan(String bucket, String prefix) {
            this.bucket = bucket;
            this.prefix = prefix;
        }

        void add(ObjectEvent e, Instant activity) {
            if (openingEvent == null || e.eventId().compareTo(openingEvent) < 0) {
                openingEvent = e.eventId();
            }
            firstEventTime = min(firstEventTime, e.eventTime());
            lastEventTime = max(lastEventTime, e.eventTime());
            firstActivity = min(firstActivity, activity);
            lastActivity = max(lastActivity, activity);
        }
    }

    private Map<String, UUID> upsertBatches(Connection c, List<PlacedEvent> events, Instant arrivedAt) throws SQLException {
        Map<String, PrefixSpan> spans = new TreeMap<>();
        for (PlacedEvent p : events) {
            spans.computeIfAbsent(prefixId(p.event().bucket(), p.prefix()), k -> new PrefixSpan(p.event().bucket(), p.prefix()))
                    .add(p.event(), p.event().activityTime(arrivedAt));
        }
        List<PrefixSpan> rows = new ArrayList<>(spans.values());
        Map<String, UUID> batchIds = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(UPSERT_BATCHES)) {
            int i = 1;
            ps.setArray(i++, texts(c, rows, s -> s.bucket));
            ps.setArray(i++, texts(c, rows, s -> s.prefix));
            ps.setArray(i++, texts(c, rows, s -> s.openingEvent));
            ps.setArray(i++, times(c, rows, s -> s.firstEventTime));
            ps.setArray(i++, times(c, rows, s -> s.lastEventTime));
            ps.setArray(i++, times(c, rows, s -> s.firstActivity));
            ps.setArray(i++, times(c, rows, s -> s.lastActivity));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    batchIds.put(prefixId(rs.getString(2), rs.getString(3)), rs.getObject(1, UUID.class));
                }
            }
        }
        return batchIds;
    }

    /** Upserts the keys into their batches and moves the batch counts by the difference. */
    private void applyToBatches(Connection c, List<PlacedEvent> events, Map<String, UUID> batchIds) throws SQLException {
        List<UUID> ids = events.stream().map(p -> batchIds.get(prefixId(p.event().bucket(), p.prefix()))).toList();
        List<String> keys = events.stream().map(p -> p.event().key()).toList();

        Map<String, long[]> previous = new HashMap<>(); // batch id + key -> {deleted ? 1 : 0, size}
        try (PreparedStatement ps = c.prepareStatement(SELECT_PREVIOUS)) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            ps.setArray(2, c.createArrayOf("text", keys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long size = rs.getLong(4);
                    previous.put(rs.getObject(1, UUID.class) + "\n" + rs.getString(2), new long[] {rs.getBoolean(3) ? 1 : 0, size});
                }
            }
        }

        try (PreparedStatement ps = c.prepareStatement(UPSERT_OBJECTS)) {
            int i = 1;
            ps.setArray(i++, c.createArrayOf("uuid", ids.toArray()));
            ps.setArray(i++, c.createArrayOf("text", keys.toArray()));
            ps.setArray(i++, texts(c, events, p -> PrefixRule.fileName(p.event().key())));
            ps.setArray(i++, c.createArrayOf("boolean", events.stream().map(p -> p.event().kind() == ObjectEvent.Kind.DELETED).toArray()));
            ps.setArray(i++, longs(c, events, p -> p.event().size()));
            ps.setArray(i++, texts(c, events, p -> p.event().etag()));
            ps.setArray(i++, texts(c, events, p -> p.event().versionId()));
            ps.setArray(i++, texts(c, events, p -> p.event().sequencer()));
            ps.setArray(i++, times(c, events, p -> p.event().eventTime()));
            ps.executeUpdate();
        }

        Map<UUID, long[]> deltas = new LinkedHashMap<>(); // created, deleted, bytes
        for (int n = 0; n < events.size(); n++) {
            ObjectEvent e = events.get(n).event();
            long[] d = deltas.computeIfAbsent(ids.get(n), k -> new long[3]);
            long[] before = previous.get(ids.get(n) + "\n" + e.key());
            if (before != null) {
                d[before[0] == 1 ? 1 : 0]--;
                d[2] -= before[0] == 1 ? 0 : before[1];
            }
            if (e.kind() == ObjectEvent.Kind.DELETED) {
                d[1]++;
            } else {
                d[0]++;
                d[2] += e.size() == null ? 0 : e.size();
            }
        }
        List<Map.Entry<UUID, long[]>> rows = new ArrayList<>(deltas.entrySet());
        rows.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
        try (PreparedStatement ps = c.prepareStatement(ADD_COUNTS)) {
            ps.setArray(1, c.createArrayOf("uuid", rows.stream().map(Map.Entry::getKey).toArray()));
            ps.setArray(2, c.createArrayOf("integer", rows.stream().map(r -> (int) r.getValue()[0]).toArray()));
            ps.setArray(3, c.createArrayOf("integer", rows.stream().map(r -> (int) r.getValue()[1]).toArray()));
            ps.setArray(4, c.createArrayOf("bigint", rows.stream().map(r -> r.getValue()[2]).toArray()));
            ps.executeUpdate();
        }
    }

    private static String prefixId(String bucket, String prefix) {
        return bucket + "\n" + prefix;
    }

    private static String kind(ObjectEvent e) {
        return e.kind() == ObjectEvent.Kind.CREATED ? "created" : "deleted";
    }

    private static Set<String> ids(PreparedStatement ps) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static <T> Array texts(Connection c, List<T> rows, Function<T, String> f) throws SQLException {
        return c.createArrayOf("text", rows.stream().map(f).toArray());
    }

    private static <T> Array longs(Connection c, List<T> rows, Function<T, Long> f) throws SQLException {
        return c.createArrayOf("bigint", rows.stream().map(f).toArray());
    }

    /** Instants travel as ISO-8601 text (with their 'Z'), so no session time zone can shift them. */
    private static <T> Array times(Connection c, List<T> rows, Function<T, Instant> f) throws SQLException {
        return c.createArrayOf("text", rows.stream().map(r -> f.apply(r).toString()).toArray());
    }

    private static Instant min(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private static Instant max(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }
}

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
import java.util.HashMap;
import java.util.HashSet;
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

    /**
     * Locks the open batches the events go to, so no emit tick can close them under us and their
     * counts move only by our deltas. Waits for a tick that holds one; a batch it closed is skipped.
     */
    private static final String LOCK_OPEN_BATCHES = """
            SELECT b.batch_id, b.bucket, b.prefix
            FROM batch b JOIN unnest(?::text[], ?::text[]) AS t(bucket, prefix) ON b.bucket = t.bucket AND b.prefix = t.prefix
            WHERE b.state = 'open'
            ORDER BY b.bucket, b.prefix
            FOR UPDATE OF b""";

    /** What the open batches already hold for the keys; only the holder of a key's object_state lock writes its rows. */
    private static final String SELECT_PREVIOUS = """
            SELECT o.batch_id, o.object_key, o.deleted, o.size
            FROM batch_object o JOIN unnest(?::uuid[], ?::text[]) AS t(batch_id, object_key)
              ON o.batch_id = t.batch_id AND o.object_key = t.object_key""";

    /**
     * Opens or extends one batch per prefix and moves its counts by this batch's deltas. The batch
     * id is derived from the event that opened the batch, so it is the same on every replay.
     */
    private static final String UPSERT_BATCHES = """
            INSERT INTO batch AS b (batch_id, bucket, prefix, first_event_time, last_event_time, opened_at, last_activity_at,
                                    object_count, deleted_count, total_bytes)
            SELECT md5(t.bucket || E'\\n' || t.prefix || E'\\n' || t.opening_event)::uuid, t.bucket, t.prefix,
                   t.first_event_time, t.last_event_time, t.first_activity, t.last_activity, t.created, t.deleted, t.bytes
            FROM unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[],
                        ?::int[], ?::int[], ?::bigint[])
                 AS t(bucket, prefix, opening_event, first_event_time, last_event_time, first_activity, last_activity, created, deleted, bytes)
            ON CONFLICT (bucket, prefix) WHERE state = 'open' DO UPDATE SET
                first_event_time = least(b.first_event_time, excluded.first_event_time),
                last_event_time = greatest(b.last_event_time, excluded.last_event_time),
                last_activity_at = greatest(b.last_activity_at, excluded.last_activity_at),
                object_count = b.object_count + excluded.object_count,
                deleted_count = b.deleted_count + excluded.deleted_count,
                total_bytes = b.total_bytes + excluded.total_bytes
            RETURNING batch_id, bucket, prefix""";

    private static final String UPSERT_OBJECTS = """
            INSERT INTO batch_object AS o (batch_id, object_key, file_name, deleted, size, etag, version_id, sequencer, event_time)
            SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::boolean[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
            ON CONFLICT (batch_id, object_key) DO UPDATE SET
                deleted = excluded.deleted, size = excluded.size, etag = excluded.etag, version_id = excluded.version_id,
                sequencer = excluded.sequencer, event_time = excluded.event_time""";

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
        Map<String, UUID> batchIds = updateBatches(c, applied, arrivedAt);
        upsertObjects(c, applied, batchIds);
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
        int created;
        int deleted;
        long bytes;

        PrefixSpan(String bucket, String prefix) {
            this.bucket = bucket;
            this.prefix = prefix;
        }

        void add(ObjectEvent e, Instant activity, Previous before) {
            if (openingEvent == null || e.eventId().compareTo(openingEvent) < 0) {
                openingEvent = e.eventId();
            }
            firstEventTime = min(firstEventTime, e.eventTime());
            lastEventTime = max(lastEventTime, e.eventTime());
            firstActivity = min(firstActivity, activity);
            lastActivity = max(lastActivity, activity);
            if (before != null) {
                if (before.deleted) {
                    deleted--;
                } else {
                    created--;
                    bytes -= before.size;
                }
            }
            if (e.kind() == ObjectEvent.Kind.DELETED) {
                deleted++;
            } else {
                created++;
                bytes += e.size() == null ? 0 : e.size();
            }
        }
    }

    /** A key's row in its open batch before this SQS batch. */
    private record Previous(boolean deleted, long size) {}

    /** Locks the open batches, reads what they hold for our keys, and upserts each batch once with its deltas. */
    private Map<String, UUID> updateBatches(Connection c, List<PlacedEvent> events, Instant arrivedAt) throws SQLException {
        List<String[]> prefixes = events.stream().map(p -> new String[] {p.event().bucket(), p.prefix()})
                .collect(java.util.stream.Collectors.toMap(a -> prefixId(a[0], a[1]), a -> a, (a, b) -> a, TreeMap::new))
                .values().stream().toList();
        Map<String, UUID> open = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(LOCK_OPEN_BATCHES)) {
            ps.setArray(1, texts(c, prefixes, a -> a[0]));
            ps.setArray(2, texts(c, prefixes, a -> a[1]));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    open.put(prefixId(rs.getString(2), rs.getString(3)), rs.getObject(1, UUID.class));
                }
            }
        }

        Map<String, Previous> previous = new HashMap<>();
        List<PlacedEvent> inOpen = events.stream().filter(p -> open.containsKey(prefixId(p.event().bucket(), p.prefix()))).toList();
        if (!inOpen.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(SELECT_PREVIOUS)) {
                ps.setArray(1, c.createArrayOf("uuid", inOpen.stream().map(p -> open.get(prefixId(p.event().bucket(), p.prefix()))).toArray()));
                ps.setArray(2, texts(c, inOpen, p -> p.event().key()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        previous.put(rs.getObject(1, UUID.class) + "\n" + rs.getString(2), new Previous(rs.getBoolean(3), rs.getLong(4)));
                    }
                }
            }
        }

        Map<String, PrefixSpan> spans = new TreeMap<>();
        for (PlacedEvent p : events) {
            String id = prefixId(p.event().bucket(), p.prefix());
            UUID openBatch = open.get(id);
            Previous before = openBatch == null ? null : previous.get(openBatch + "\n" + p.event().key());
            spans.computeIfAbsent(id, k -> new PrefixSpan(p.event().bucket(), p.prefix()))
                    .add(p.event(), p.event().activityTime(arrivedAt), before);
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
            ps.setArray(i++, c.createArrayOf("integer", rows.stream().map(s -> s.created).toArray()));
            ps.setArray(i++, c.createArrayOf("integer", rows.stream().map(s -> s.deleted).toArray()));
            ps.setArray(i++, c.createArrayOf("bigint", rows.stream().map(s -> s.bytes).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    batchIds.put(prefixId(rs.getString(2), rs.getString(3)), rs.getObject(1, UUID.class));
                }
            }
        }
        return batchIds;
    }

    private void upsertObjects(Connection c, List<PlacedEvent> events, Map<String, UUID> batchIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT_OBJECTS)) {
            int i = 1;
            ps.setArray(i++, c.createArrayOf("uuid", events.stream().map(p -> batchIds.get(prefixId(p.event().bucket(), p.prefix()))).toArray()));
            ps.setArray(i++, texts(c, events, p -> p.event().key()));
            ps.setArray(i++, texts(c, events, p -> PrefixRule.fileName(p.event().key())));
            ps.setArray(i++, c.createArrayOf("boolean", events.stream().map(p -> p.event().kind() == ObjectEvent.Kind.DELETED).toArray()));
            ps.setArray(i++, longs(c, events, p -> p.event().size()));
            ps.setArray(i++, texts(c, events, p -> p.event().etag()));
            ps.setArray(i++, texts(c, events, p -> p.event().versionId()));
            ps.setArray(i++, texts(c, events, p -> p.event().sequencer()));
            ps.setArray(i++, times(c, events, p -> p.event().eventTime()));
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

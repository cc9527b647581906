package com.quiltdata.edp.store.postgres;

import com.quiltdata.edp.domain.ObjectEvent;
import com.quiltdata.edp.domain.PrefixRule;
import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.store.domain.BatchGrowth;
import com.quiltdata.edp.store.domain.InstantText;
import com.quiltdata.edp.store.port.ObjectEventStore;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
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
 * Records a whole SQS batch in one transaction with a handful of statements, whatever its size
 * (ADR 0002, ADR 0005). New files, the common case, go in by COPY: events, key states, one upsert
 * per touched batch, batch objects. Events seen before and keys known before take the upsert
 * statements instead, which take the batch as arrays and {@code unnest} them. Rows are always
 * touched in a stable order (event id, key, prefix), so concurrent writers queue on row locks
 * instead of deadlocking, and the lock on a batch row serialises every change to its counts.
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
                total_bytes = greatest(0, least(b.total_bytes::numeric + excluded.total_bytes, 9223372036854775807))::bigint
            RETURNING batch_id, bucket, prefix, object_count""";

    /**
     * Rewrites the keys the locked open batches already hold and returns what each held before
     * (the self-join reads the rows as they were when the statement started), so the counts can
     * move by the difference: one statement where a read and an update were two (ADR 0009). Only
     * the holder of a batch's row lock writes its objects. The keys no open batch holds are added by COPY.
     */
    private static final String UPDATE_HELD_OBJECTS = """
            UPDATE batch_object AS o SET
                deleted = t.deleted, size = t.size, etag = t.etag, version_id = t.version_id,
                sequencer = t.sequencer, event_time = t.event_time
            FROM unnest(?::uuid[], ?::text[], ?::boolean[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
                 AS t(batch_id, object_key, deleted, size, etag, version_id, sequencer, event_time)
            JOIN batch_object AS before ON before.batch_id = t.batch_id AND before.object_key = t.object_key
            WHERE o.batch_id = t.batch_id AND o.object_key = t.object_key
            RETURNING o.batch_id, o.object_key, before.deleted, before.size""";

    private static final String UNIQUE_VIOLATION = "23505";

    /** Batches that go straight to the upsert path after one fell back: a few seconds of a busy stream. */
    private static final int UPSERT_ONLY_AFTER_FALLBACK = 10;

    private final Database database;
    private final BulkPathPolicy eventsByCopy = new BulkPathPolicy(UPSERT_ONLY_AFTER_FALLBACK);
    private final BulkPathPolicy statesByCopy = new BulkPathPolicy(UPSERT_ONLY_AFTER_FALLBACK);

    public JdbcObjectEventStore(Database database) {
        this.database = database;
    }

    @Override
    public Recorded record(List<PlacedEvent> events, Instant arrivedAt) {
        try {
            return database.inTransaction(c -> recordIn(c, events, arrivedAt));
        } catch (SQLException e) {
            String failure = "recording " + events.size() + " events failed: " + Bounded.text(e.getMessage());
            if (refusesTheData(e)) {
                throw new EventsRefusedException(failure + " (SQLState " + e.getSQLState() + ")", e);
            }
            throw new StoreUnavailableException(failure, e);
        } catch (ArithmeticException | IllegalArgumentException e) {
            // a value the binary COPY cannot encode
            throw new EventsRefusedException("recording " + events.size() + " events failed: " + Bounded.text(e.getMessage()), e);
        }
    }

    /**
     * Errors that the same data would raise again: data exceptions (class 22), integrity
     * violations (class 23) and program limits such as an index entry too large (class 54). A
     * unique violation is not one of them: the COPY paths expect it and fall back, so one that
     * gets here is a concurrent writer and a retry can succeed. Connection (08), serialization
     * (40) and every other class are worth retrying as they are.
     */
    static boolean refusesTheData(SQLException e) {
        String state = e.getSQLState();
        if (state == null || state.length() != 5 || UNIQUE_VIOLATION.equals(state)) {
            return false;
        }
        String sqlClass = state.substring(0, 2);
        return sqlClass.equals("22") || sqlClass.equals("23") || sqlClass.equals("54");
    }

    private Recorded recordIn(Connection c, List<PlacedEvent> input, Instant arrivedAt) throws SQLException {
        // The same event twice in one batch is a duplicate too; keep the first, in event-id order.
        Map<String, PlacedEvent> byId = new TreeMap<>();
        for (PlacedEvent p : input) {
            byId.putIfAbsent(p.event().eventId(), p);
        }
        List<PlacedEvent> unique = new ArrayList<>(byId.values());
        List<PlacedEvent> fresh = eventsByCopy.shouldTry() ? copyEventsIfAllNew(c, unique, arrivedAt) : null;
        if (fresh == null) {
            fresh = insertEvents(c, unique, arrivedAt);
        }
        List<PlacedEvent> newest = newestPerKey(fresh);
        List<PlacedEvent> applied = statesByCopy.shouldTry() ? copyStatesIfAllNew(c, newest) : null;
        // a key that had no state row was never in any batch, so no batch can hold it yet
        boolean keysWereUnknown = applied != null;
        if (applied == null) {
            applied = upsertState(c, newest);
        }
        int duplicates = input.size() - fresh.size();
        int stale = fresh.size() - applied.size();
        if (applied.isEmpty()) {
            return new Recorded(0, duplicates, stale, 0);
        }
        BatchesTouched batches = updateBatches(c, applied, arrivedAt, keysWereUnknown);
        writeObjects(c, applied, batches);
        return new Recorded(applied.size(), duplicates, stale, batches.ids().size(), batches.grown());
    }

    /**
     * The common case: no event of the batch was seen before, so they are plain rows and go in by
     * COPY. A unique violation means one was (a redelivery, or a concurrent delivery that holds us
     * until it commits): the COPY is undone and the caller inserts with {@code ON CONFLICT}.
     * Returns the events, or null when that path must be taken.
     */
    private List<PlacedEvent> copyEventsIfAllNew(Connection c, List<PlacedEvent> unique, Instant arrivedAt) throws SQLException {
        CopyRows rows = new CopyRows("object_event",
                "event_id, bucket, object_key, raw_key, kind, size, etag, version_id, sequencer, event_time, arrived_at");
        for (PlacedEvent p : unique) {
            ObjectEvent e = p.event();
            rows.text(e.eventId()).text(e.bucket()).text(e.key()).text(e.rawKey()).text(kind(e)).number(e.size())
                    .text(e.etag()).text(e.versionId()).text(e.sequencer()).time(e.eventTime()).time(arrivedAt).endRow();
        }
        try {
            rows.copyInto(c);
            return unique;
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            // The COPY is the transaction's first write: rolling it back undoes exactly it,
            // without the round trips of a savepoint on the common path.
            c.rollback();
            eventsByCopy.fellBack();
            return null;
        }
    }

    /**
     * New files: no key has a state row yet, so the states are plain rows too. A unique violation
     * means a key was known (an overwrite, a delete, a concurrent writer of the same key, who holds
     * us until it commits): back to the savepoint, and the caller upserts. Returns the states
     * written, or null when the upsert must be taken.
     */
    private List<PlacedEvent> copyStatesIfAllNew(Connection c, List<PlacedEvent> newest) throws SQLException {
        CopyRows rows = new CopyRows("object_state", "bucket, object_key, kind, size, etag, version_id, sequencer, event_id, event_time");
        for (PlacedEvent p : newest) {
            ObjectEvent e = p.event();
            rows.text(e.bucket()).text(e.key()).text(kind(e)).number(e.size()).text(e.etag()).text(e.versionId())
                    .text(e.sequencer()).text(e.eventId()).time(e.eventTime()).endRow();
        }
        Savepoint beforeCopy = c.setSavepoint();
        try {
            rows.copyInto(c);
            c.releaseSavepoint(beforeCopy);
            return newest;
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(beforeCopy);
            statesByCopy.fellBack();
            return null;
        }
    }

    /** Per key, only the newest event can change anything; in key order, the order rows are locked in. */
    private static List<PlacedEvent> newestPerKey(List<PlacedEvent> events) {
        Map<String, PlacedEvent> newest = new TreeMap<>();
        for (PlacedEvent p : events) {
            newest.merge(p.event().bucket() + "\n" + p.event().key(), p, JdbcObjectEventStore::newer);
        }
        return new ArrayList<>(newest.values());
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

    /** Inserts the events not seen before and returns them. */
    private List<PlacedEvent> insertEvents(Connection c, List<PlacedEvent> events, Instant arrivedAt) throws SQLException {
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
            Set<String> written = ids(ps);
            return events.stream().filter(p -> written.contains(p.event().eventId())).toList();
        }
    }

    /** Upserts the key states where the event is newer and returns the events that won. */
    private List<PlacedEvent> upsertState(Connection c, List<PlacedEvent> events) throws SQLException {
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
            Set<String> written = ids(ps);
            return events.stream().filter(p -> written.contains(p.event().eventId())).toList();
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
        final Set<String> createdFileNames = new HashSet<>();

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
                    bytes = saturatedAdd(bytes, -before.size);
                }
            }
            if (e.kind() == ObjectEvent.Kind.DELETED) {
                deleted++;
            } else {
                created++;
                bytes = saturatedAdd(bytes, e.size() == null ? 0 : e.size());
                createdFileNames.add(PrefixRule.fileName(e.key()));
            }
        }
    }

    /**
     * Byte totals stop at bigint's maximum instead of wrapping negative (ADR 0008): a total of
     * 2^63-1 reads as "at least 8 EiB". The batch upsert caps the stored total the same way.
     */
    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) { // both operands had the sign the sum lost
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    /** A key's row in its open batch before this SQS batch. */
    private record Previous(boolean deleted, long size) {}

    /**
     * The batch each prefix's events went to, and which of the keys that batch already held (as
     * {@code batchId \n key}). Only the holder of a batch's row lock adds keys to it, so the rest
     * are certainly new there.
     */
    private record BatchesTouched(Map<String, UUID> ids, Set<String> heldKeys, List<BatchGrowth> grown) {
        UUID of(PlacedEvent p) {
            return ids.get(prefixId(p.event().bucket(), p.prefix()));
        }

        boolean holds(PlacedEvent p) {
            return heldKeys.contains(of(p) + "\n" + p.event().key());
        }
    }

    /**
     * Upserts each touched batch once with its deltas. When some keys were known before, the open
     * batches are first locked and the keys they hold are rewritten, returning what each held, so a key moving from
     * created to deleted (or changing size) moves the counts instead of adding to them. Keys that
     * were unknown cannot be in any batch: the upsert alone, which locks the row it updates, is enough.
     */
    private BatchesTouched updateBatches(Connection c, List<PlacedEvent> events, Instant arrivedAt, boolean keysWereUnknown)
            throws SQLException {
        Map<String, UUID> open = new HashMap<>();
        Map<String, Previous> previous = new HashMap<>();
        if (!keysWereUnknown) {
            lockOpenBatches(c, events, open);
            updateHeldObjects(c, events, open, previous);
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
        List<BatchGrowth> grown = new ArrayList<>();
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
                    String id = prefixId(rs.getString(2), rs.getString(3));
                    batchIds.put(id, rs.getObject(1, UUID.class));
                    // the count before is the count after less this batch's delta: no extra read
                    PrefixSpan span = spans.get(id);
                    int after = rs.getInt(4);
                    grown.add(new BatchGrowth(span.bucket, span.prefix, after - span.created, after, span.createdFileNames));
                }
            }
        }
        return new BatchesTouched(batchIds, previous.keySet(), grown);
    }

    private void lockOpenBatches(Connection c, List<PlacedEvent> events, Map<String, UUID> open) throws SQLException {
        List<String[]> prefixes = events.stream().map(p -> new String[] {p.event().bucket(), p.prefix()})
                .collect(java.util.stream.Collectors.toMap(a -> prefixId(a[0], a[1]), a -> a, (a, b) -> a, TreeMap::new))
                .values().stream().toList();
        try (PreparedStatement ps = c.prepareStatement(LOCK_OPEN_BATCHES)) {
            ps.setArray(1, texts(c, prefixes, a -> a[0]));
            ps.setArray(2, texts(c, prefixes, a -> a[1]));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    open.put(prefixId(rs.getString(2), rs.getString(3)), rs.getObject(1, UUID.class));
                }
            }
        }
    }

    /** Updates the keys the open batches hold, and puts what each held before into {@code previous}. */
    private void updateHeldObjects(Connection c, List<PlacedEvent> events, Map<String, UUID> open, Map<String, Previous> previous)
            throws SQLException {
        List<PlacedEvent> inOpen = events.stream().filter(p -> open.containsKey(prefixId(p.event().bucket(), p.prefix()))).toList();
        if (inOpen.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(UPDATE_HELD_OBJECTS)) {
            int i = 1;
            ps.setArray(i++, c.createArrayOf("uuid", inOpen.stream().map(p -> open.get(prefixId(p.event().bucket(), p.prefix()))).toArray()));
            ps.setArray(i++, texts(c, inOpen, p -> p.event().key()));
            ps.setArray(i++, c.createArrayOf("boolean", inOpen.stream().map(p -> p.event().kind() == ObjectEvent.Kind.DELETED).toArray()));
            ps.setArray(i++, longs(c, inOpen, p -> p.event().size()));
            ps.setArray(i++, texts(c, inOpen, p -> p.event().etag()));
            ps.setArray(i++, texts(c, inOpen, p -> p.event().versionId()));
            ps.setArray(i++, texts(c, inOpen, p -> p.event().sequencer()));
            ps.setArray(i++, times(c, inOpen, p -> p.event().eventTime()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    previous.put(rs.getObject(1, UUID.class) + "\n" + rs.getString(2), new Previous(rs.getBoolean(3), rs.getLong(4)));
                }
            }
        }
    }

    /** Adds the keys no open batch held by COPY; the held ones were updated with the batch lock. */
    private void writeObjects(Connection c, List<PlacedEvent> events, BatchesTouched batches) throws SQLException {
        CopyRows added = new CopyRows("batch_object", "batch_id, object_key, file_name, deleted, size, etag, version_id, sequencer, event_time");
        for (PlacedEvent p : events) {
            if (batches.holds(p)) {
                continue;
            }
            ObjectEvent e = p.event();
            added.uuid(batches.of(p)).text(e.key()).text(PrefixRule.fileName(e.key())).bool(e.kind() == ObjectEvent.Kind.DELETED)
                    .number(e.size()).text(e.etag()).text(e.versionId()).text(e.sequencer()).time(e.eventTime()).endRow();
        }
        added.copyInto(c);
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

    @Override
    public Set<String> knownKeys(String bucket, List<String> keys) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        try {
            return database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT object_key FROM object_state WHERE bucket = ? AND object_key = ANY (?::text[])")) {
                    ps.setString(1, bucket);
                    ps.setArray(2, c.createArrayOf("text", keys.toArray()));
                    Set<String> found = new HashSet<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            found.add(rs.getString(1));
                        }
                    }
                    return found;
                }
            });
        } catch (SQLException e) {
            throw new StoreUnavailableException("reading known keys failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<KeyState> keyStates(String bucket) {
        try {
            return database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT object_key, kind, etag, sequencer FROM object_state WHERE bucket = ?")) {
                    ps.setString(1, bucket);
                    List<KeyState> states = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            states.add(new KeyState(rs.getString(1), "deleted".equals(rs.getString(2)), rs.getString(3), rs.getString(4)));
                        }
                    }
                    return states;
                }
            });
        } catch (SQLException e) {
            throw new StoreUnavailableException("reading key states failed: " + e.getMessage(), e);
        }
    }

    private static <T> Array texts(Connection c, List<T> rows, Function<T, String> f) throws SQLException {
        return c.createArrayOf("text", rows.stream().map(f).toArray());
    }

    private static <T> Array longs(Connection c, List<T> rows, Function<T, Long> f) throws SQLException {
        return c.createArrayOf("bigint", rows.stream().map(f).toArray());
    }

    /** Instants travel as ISO-8601 text (with their 'Z'), so no session time zone can shift them. */
    private static <T> Array times(Connection c, List<T> rows, Function<T, Instant> f) throws SQLException {
        return c.createArrayOf("text", rows.stream().map(r -> InstantText.format(f.apply(r))).toArray());
    }

    private static Instant min(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private static Instant max(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }
}

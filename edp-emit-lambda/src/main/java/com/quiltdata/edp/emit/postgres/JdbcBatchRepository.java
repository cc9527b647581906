package com.quiltdata.edp.emit.postgres;

import com.quiltdata.edp.emit.domain.BatchObject;
import com.quiltdata.edp.emit.domain.OpenBatch;
import com.quiltdata.edp.emit.domain.ReadyBatch;
import com.quiltdata.edp.emit.domain.Trigger;
import com.quiltdata.edp.emit.port.BatchClaim;
import com.quiltdata.edp.emit.port.BatchRepository;
import com.quiltdata.edp.emit.port.RepositoryUnavailableException;
import com.quiltdata.edp.postgres.Database;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Batches in PostgreSQL. Finding due batches reads only open batches (the partial index on
 * {@code state = 'open'}), so its cost follows the size of the open set and not of the history.
 * Sentinel files are looked for only in batches no cheaper rule made due, and only when
 * {@code batch_sentinel_check} has no answer for the batch's current state. Claiming locks a list
 * of batch ids through the primary key and re-checks that each is still open and due; the ready
 * ones are closed in that transaction, before anything is published (ADR 0205).
 */
public final class JdbcBatchRepository implements BatchRepository {

    private static final String COLUMNS = """
            b.batch_id, b.bucket, b.prefix, b.object_count, b.deleted_count, b.total_bytes,
            b.first_event_time, b.last_event_time, b.opened_at, b.last_activity_at""";

    /*
     * The exact sentinel test: a per-row look at the batch's objects through batch_object's primary
     * key. OFFSET 0 keeps it per row; without it the planner may turn the EXISTS under OR into a
     * hashed subplan that reads every sentinel-named row of the history.
     */
    private static final String SENTINEL = """
            EXISTS (SELECT 1 FROM batch_object o
                    WHERE o.batch_id = b.batch_id AND o.file_name = ANY (?::text[]) AND NOT o.deleted OFFSET 0)""";

    /*
     * Parameters (see bindDue): count threshold, quiet cutoff, max age on/off and cutoff, sentinels
     * twice, then the hold exclusion (see bindNotHeld).
     */
    private static String due(String sentinel) {
        return "(b.object_count >= ?\n"
                + "       OR b.last_activity_at <= ?\n"
                + "       OR (?::boolean AND b.opened_at <= ?)\n"
                + "       OR (cardinality(?::text[]) > 0 AND " + sentinel + "))\n"
                + "  AND " + notHeld("b");
    }

    /* A batch the filter held and that has not changed since stays out, unless max age. */
    private static String notHeld(String b) {
        return "((?::boolean AND " + b + ".opened_at <= ?) OR ?::text IS NULL\n"
                + "       OR NOT EXISTS (SELECT 1 FROM batch_hold h\n"
                + "                      WHERE h.batch_id = " + b + ".batch_id AND h.filter = ?\n"
                + "                        AND h.last_activity_at = " + b + ".last_activity_at\n"
                + "                        AND h.object_count = " + b + ".object_count AND h.deleted_count = " + b + ".deleted_count))";
    }

    /*
     * One pass over the open set. Count, quiet and max age are column tests. A batch none of them
     * makes due is looked at for sentinels only when batch_sentinel_check has no answer for its
     * current state (activity time and counts); fresh answers are remembered by the same statement,
     * written in batch_id order (the order CLOSE locks them in, so concurrent ticks cannot deadlock).
     * Parameters: count threshold (twice), quiet cutoff, max age on/off and cutoff, sentinels (remembered
     * answer), the rule scope (see bindScope), sentinels three times (look, whether to look,
     * remember), then the hold exclusion.
     */
    /*
     * The rule scope (ADR 0313): with a rules file, the batches of one rule group only, which are
     * those whose most specific scope (same bucket, longest scope prefix that starts their prefix) is
     * in that group, or group 0 when no scope contains them. Parameters: whether to select, the
     * scope table's buckets, prefixes and groups, and the wanted group.
     */
    private static final String IN_SCOPE = """
            (NOT ?::boolean OR coalesce(
                    (SELECT s.rule_group FROM unnest(?::text[], ?::text[], ?::int[]) AS s(bucket, prefix, rule_group)
                     WHERE s.bucket = b.bucket AND starts_with(b.prefix, s.prefix)
                     ORDER BY length(s.prefix) DESC LIMIT 1), 0) = ?)""";

    private static final String FIND_DUE = """
            WITH open AS (
                SELECT b.batch_id, b.opened_at, b.last_activity_at, b.object_count, b.deleted_count, b.total_bytes,
                       b.object_count >= ? AS counted,
                       (b.object_count >= ? OR b.last_activity_at <= ? OR (?::boolean AND b.opened_at <= ?)) AS cheap,
                       c.sentinel_seen AS remembered
                FROM batch b
                LEFT JOIN batch_sentinel_check c
                       ON c.batch_id = b.batch_id AND c.sentinels = ?::text[]
                      AND c.last_activity_at = b.last_activity_at AND c.object_count = b.object_count
                      AND c.deleted_count = b.deleted_count AND c.total_bytes = b.total_bytes
                WHERE b.state = 'open' AND """ + IN_SCOPE + """
            ),
            looked AS (
                SELECT o.batch_id, o.last_activity_at, o.object_count, o.deleted_count, o.total_bytes,
                       EXISTS (SELECT 1 FROM batch_object x
                               WHERE x.batch_id = o.batch_id AND x.file_name = ANY (?::text[]) AND NOT x.deleted
                               OFFSET 0) AS seen
                FROM open o
                WHERE cardinality(?::text[]) > 0 AND NOT o.cheap AND o.remembered IS NULL),
            remember AS (
                INSERT INTO batch_sentinel_check AS c
                       (batch_id, sentinels, last_activity_at, object_count, deleted_count, total_bytes, sentinel_seen)
                SELECT batch_id, ?::text[], last_activity_at, object_count, deleted_count, total_bytes, seen FROM looked
                ORDER BY batch_id
                ON CONFLICT (batch_id) DO UPDATE SET
                    sentinels = excluded.sentinels, last_activity_at = excluded.last_activity_at,
                    object_count = excluded.object_count, deleted_count = excluded.deleted_count,
                    total_bytes = excluded.total_bytes, sentinel_seen = excluded.sentinel_seen)
            SELECT o.batch_id
            FROM open o LEFT JOIN looked l ON l.batch_id = o.batch_id
            WHERE (o.cheap OR coalesce(o.remembered, l.seen, false))
              AND """ + notHeld("o") + "\n"
            // what an event made ready (count, sentinel) goes first: the rounds after it may hold a
            // backlog of quiet batches that a scheduled tick found due at once (ADR 0208)
            + "ORDER BY (o.counted OR coalesce(o.remembered, l.seen, false)) DESC, o.opened_at, o.batch_id";

    private static final String CLAIM = "SELECT " + COLUMNS + ",\n"
            + "       (cardinality(?::text[]) > 0 AND " + SENTINEL + ") AS sentinel_seen\n"
            + "FROM batch b\n"
            + "WHERE b.batch_id = ANY (?::uuid[]) AND b.state = 'open'\n"
            + "  AND " + due(SENTINEL) + "\n"
            + "ORDER BY b.opened_at, b.batch_id\n"
            // NO KEY UPDATE still excludes the store (its FOR UPDATE) and other ticks, but not the foreign-key
            // checks of a concurrent listing remembering a sentinel answer, which waited on it and deadlocked (ADR 0208)
            + "FOR NO KEY UPDATE OF b SKIP LOCKED";

    private static final String CLAIM_OPEN = "SELECT " + COLUMNS + ", false AS sentinel_seen\n"
            + "FROM batch b WHERE b.state = 'open' AND b.bucket = ? AND b.prefix = ?\n"
            + "FOR UPDATE OF b SKIP LOCKED";

    private static final String IS_OPEN = "SELECT 1 FROM batch WHERE state = 'open' AND bucket = ? AND prefix = ?";

    private static final String OBJECTS = """
            SELECT batch_id, object_key, size, etag, version_id, event_time, deleted
            FROM batch_object WHERE batch_id = ANY (?::uuid[])
            ORDER BY batch_id, object_key""";

    private static final String HOLD = """
            INSERT INTO batch_hold AS h (batch_id, filter, last_activity_at, object_count, deleted_count, reason, held_at, checked_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (batch_id) DO UPDATE SET
                filter = excluded.filter, last_activity_at = excluded.last_activity_at,
                object_count = excluded.object_count, deleted_count = excluded.deleted_count,
                reason = excluded.reason, checked_at = excluded.checked_at
            RETURNING (xmax = 0) AS first_hold""";

    /**
     * Closes the ready batches to new objects, with their triggers, and forgets their holds and
     * sentinel answers, in one statement. The rows are found through the primary key (= ANY), and
     * each takes its trigger from the parallel array. The sentinel answers are locked in batch_id
     * order before they are deleted, the order in which the due listing writes them: a listing and
     * a close running at once otherwise deadlocked on them (ADR 0208, seen in bench/pipeline).
     */
    private static final String CLOSE = """
            WITH closed AS (
                UPDATE batch b SET state = 'closed', closed_at = ?, publishing_until = ?,
                                   trigger = (?::text[])[array_position(?::uuid[], b.batch_id)]
                WHERE b.batch_id = ANY (?::uuid[]) AND b.state = 'open'
                RETURNING b.batch_id),
            forgotten AS (DELETE FROM batch_hold h USING closed m WHERE h.batch_id = m.batch_id),
            unchecked AS (DELETE FROM batch_sentinel_check c
                          USING (SELECT k.batch_id FROM batch_sentinel_check k WHERE k.batch_id = ANY (?::uuid[])
                                 ORDER BY k.batch_id FOR UPDATE OF k) l
                          WHERE c.batch_id = l.batch_id)
            SELECT count(*) FROM closed""";

    /** Leases closed batches whose lease ran out (or was given up) to the caller, oldest closed first. */
    private static final String TAKE_OVER = "UPDATE batch b SET publishing_until = ?\n"
            + "FROM (SELECT batch_id FROM batch\n"
            + "      WHERE state = 'closed' AND (publishing_until IS NULL OR publishing_until <= ?)\n"
            + "      ORDER BY closed_at, batch_id LIMIT ?\n"
            + "      FOR UPDATE SKIP LOCKED) t\n"
            + "WHERE b.batch_id = t.batch_id\n"
            + "RETURNING " + COLUMNS + ", false AS sentinel_seen, b.trigger";

    /**
     * Announced batches become emitted; the others give up the caller's lease, unless another
     * tick took them over meanwhile.
     */
    private static final String FINISH = """
            WITH emitted AS (
                UPDATE batch SET state = 'emitted', emitted_at = ?, publishing_until = NULL
                WHERE batch_id = ANY (?::uuid[]) AND state = 'closed'
                RETURNING 1),
            released AS (
                UPDATE batch SET publishing_until = NULL
                WHERE batch_id = ANY (?::uuid[]) AND state = 'closed' AND publishing_until = ?
                RETURNING 1)
            SELECT (SELECT count(*) FROM emitted), (SELECT count(*) FROM released)""";

    /*
     * The tick's gauges. Each half reads one small set through its partial index (the open set;
     * batch_closed for the closed set), never the emitted history; one statement, so a batch a
     * concurrent tick closes is counted once.
     */
    static final String BATCH_STATS = """
            SELECT o.n, o.oldest, c.n, c.oldest
            FROM (SELECT count(*) AS n, min(opened_at) AS oldest FROM batch WHERE state = 'open') o,
                 (SELECT count(*) AS n, min(closed_at) AS oldest FROM batch WHERE state = 'closed') c""";

    private static final String LIST_OPEN = "SELECT " + COLUMNS + ",\n"
            + "       (cardinality(?::text[]) > 0 AND " + SENTINEL + ") AS sentinel_seen\n"
            + "FROM batch b WHERE b.state = 'open' ORDER BY b.opened_at, b.batch_id";

    private final Database database;

    public JdbcBatchRepository(Database database) {
        this.database = database;
    }

    @Override
    public List<UUID> findDue(DueQuery q) {
        try {
            return database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(FIND_DUE)) {
                    Array sentinels = c.createArrayOf("text", q.rules().sentinels().toArray());
                    int i = 1;
                    ps.setInt(i++, q.rules().countThreshold()); // counted
                    ps.setInt(i++, q.rules().countThreshold()); // cheap
                    ps.setObject(i++, time(q.rules().quietCutoff(q.now())));
                    ps.setBoolean(i++, q.rules().maxAgeEnabled());
                    ps.setObject(i++, time(q.rules().maxAgeCutoff(q.now()).orElse(q.now())));
                    ps.setArray(i++, sentinels);
                    i = bindScope(c, ps, i, q);
                    for (int k = 0; k < 3; k++) {
                        ps.setArray(i++, sentinels);
                    }
                    bindNotHeld(ps, i, q);
                    List<UUID> ids = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getObject(1, UUID.class));
                        }
                    }
                    return ids;
                }
            });
        } catch (SQLException e) {
            throw new RepositoryUnavailableException("finding due batches failed: " + e.getMessage(), e);
        }
    }

    @Override
    public BatchClaim claim(List<UUID> batchIds, DueQuery q) {
        Connection c = ClaimTransaction.begin(database);
        try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
            String[] sentinels = q.rules().sentinels().toArray(String[]::new);
            int i = 1;
            ps.setArray(i++, c.createArrayOf("text", sentinels));
            ps.setArray(i++, c.createArrayOf("text", sentinels));
            ps.setArray(i++, c.createArrayOf("uuid", batchIds.toArray()));
            bindDue(c, ps, i, q);
            List<OpenBatch> batches = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    batches.add(openBatch(rs));
                }
            }
            return new JdbcBatchClaim(c, batches);
        } catch (SQLException | RuntimeException e) {
            throw ClaimTransaction.abandon(c, "claiming due batches", e);
        }
    }

    private static int bindDue(Connection c, PreparedStatement ps, int first, DueQuery q) throws SQLException {
        Array sentinels = c.createArrayOf("text", q.rules().sentinels().toArray());
        int i = first;
        ps.setInt(i++, q.rules().countThreshold());
        ps.setObject(i++, time(q.rules().quietCutoff(q.now())));
        ps.setBoolean(i++, q.rules().maxAgeEnabled());
        ps.setObject(i++, time(q.rules().maxAgeCutoff(q.now()).orElse(q.now())));
        ps.setArray(i++, sentinels);
        ps.setArray(i++, sentinels);
        return bindNotHeld(ps, i, q);
    }

    private static int bindScope(Connection c, PreparedStatement ps, int first, DueQuery q) throws SQLException {
        int i = first;
        ps.setBoolean(i++, q.scope().isPresent());
        ps.setArray(i++, c.createArrayOf("text", q.scope().map(s -> s.buckets().toArray()).orElse(new Object[0])));
        ps.setArray(i++, c.createArrayOf("text", q.scope().map(s -> s.prefixes().toArray()).orElse(new Object[0])));
        ps.setArray(i++, c.createArrayOf("int4", q.scope().map(s -> s.groups().toArray()).orElse(new Object[0])));
        ps.setInt(i++, q.scope().map(s -> s.group()).orElse(0));
        return i;
    }

    private static int bindNotHeld(PreparedStatement ps, int first, DueQuery q) throws SQLException {
        int i = first;
        ps.setBoolean(i++, q.rules().maxAgeEnabled());
        ps.setObject(i++, time(q.rules().maxAgeCutoff(q.now()).orElse(q.now())));
        ps.setString(i++, q.filterExpression().orElse(null));
        ps.setString(i++, q.filterExpression().orElse(""));
        return i;
    }

    @Override
    public List<ReadyBatch> takeOverClosed(Instant now, Instant publishingUntil, int limit) {
        try {
            return database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(TAKE_OVER)) {
                    ps.setObject(1, time(publishingUntil));
                    ps.setObject(2, time(now));
                    ps.setInt(3, limit);
                    List<ReadyBatch> taken = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            taken.add(new ReadyBatch(openBatch(rs), Trigger.fromWireName(rs.getString("trigger"))));
                        }
                    }
                    // the order the claim takes them in: opened_at, then the uuid as PostgreSQL orders it (unsigned, as its text)
                    taken.sort(Comparator.comparing((ReadyBatch r) -> r.batch().openedAt()).thenComparing(r -> r.batch().batchId().toString()));
                    return taken;
                }
            });
        } catch (SQLException e) {
            throw new RepositoryUnavailableException("taking over closed batches failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void finishAnnouncing(List<UUID> announced, List<UUID> notAnnounced, Instant at, Instant publishingUntil) {
        if (announced.isEmpty() && notAnnounced.isEmpty()) {
            return;
        }
        try {
            database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(FINISH)) {
                    ps.setObject(1, time(at));
                    ps.setArray(2, c.createArrayOf("uuid", announced.toArray()));
                    ps.setArray(3, c.createArrayOf("uuid", notAnnounced.toArray()));
                    ps.setObject(4, time(publishingUntil));
                    ps.executeQuery().close();
                    return null;
                }
            });
        } catch (SQLException e) {
            throw new RepositoryUnavailableException("recording announced batches failed: " + e.getMessage(), e);
        }
    }

    @Override
    public ManualClaim claimOpen(String bucket, String prefix) {
        Connection c = ClaimTransaction.begin(database);
        try {
            List<OpenBatch> batches = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(CLAIM_OPEN)) {
                ps.setString(1, bucket);
                ps.setString(2, prefix);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        batches.add(openBatch(rs));
                    }
                }
            }
            if (!batches.isEmpty()) {
                return new ManualClaim.Claimed(new JdbcBatchClaim(c, batches));
            }
            boolean open;
            try (PreparedStatement ps = c.prepareStatement(IS_OPEN)) {
                ps.setString(1, bucket);
                ps.setString(2, prefix);
                try (ResultSet rs = ps.executeQuery()) {
                    open = rs.next();
                }
            }
            c.rollback();
            c.close();
            return open ? new ManualClaim.Busy() : new ManualClaim.NoneOpen();
        } catch (SQLException | RuntimeException e) {
            throw ClaimTransaction.abandon(c, "claiming the open batch of " + bucket + "/" + prefix, e);
        }
    }

    @Override
    public List<OpenBatch> openBatches(List<String> sentinels) {
        try {
            return database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(LIST_OPEN)) {
                    Array names = c.createArrayOf("text", sentinels.toArray());
                    ps.setArray(1, names);
                    ps.setArray(2, names);
                    List<OpenBatch> open = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            open.add(openBatch(rs));
                        }
                    }
                    return open;
                }
            });
        } catch (SQLException e) {
            throw new RepositoryUnavailableException("listing open batches failed: " + e.getMessage(), e);
        }
    }

    @Override
    public BatchStats batchStats() {
        try {
            return database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(BATCH_STATS); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new BatchStats(rs.getLong(1), optionalInstant(rs, 2), rs.getLong(3), optionalInstant(rs, 4));
                }
            });
        } catch (SQLException e) {
            throw new RepositoryUnavailableException("reading batch statistics failed: " + e.getMessage(), e);
        }
    }

    private static Optional<Instant> optionalInstant(ResultSet rs, int column) throws SQLException {
        return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }


    private static OpenBatch openBatch(ResultSet rs) throws SQLException {
        return new OpenBatch(
                rs.getObject("batch_id", UUID.class),
                rs.getString("bucket"),
                rs.getString("prefix"),
                rs.getInt("object_count"),
                rs.getInt("deleted_count"),
                rs.getLong("total_bytes"),
                instant(rs, "first_event_time"),
                instant(rs, "last_event_time"),
                instant(rs, "opened_at"),
                instant(rs, "last_activity_at"),
                rs.getBoolean("sentinel_seen"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** One claim: the connection's open transaction and the rows it locked. */
    private static final class JdbcBatchClaim extends ClaimTransaction implements BatchClaim {
        private final List<OpenBatch> batches;

        JdbcBatchClaim(Connection c, List<OpenBatch> batches) {
            super(c);
            this.batches = List.copyOf(batches);
        }

        @Override
        public List<OpenBatch> batches() {
            return batches;
        }

        @Override
        public Map<UUID, List<BatchObject>> objectsOf(Collection<UUID> batchIds) {
            Map<UUID, List<BatchObject>> objects = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(OBJECTS)) {
                ps.setArray(1, c.createArrayOf("uuid", batchIds.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long size = rs.getLong("size");
                        Long boxedSize = rs.wasNull() ? null : size;
                        objects.computeIfAbsent(rs.getObject("batch_id", UUID.class), k -> new ArrayList<>())
                                .add(new BatchObject(rs.getString("object_key"), boxedSize, rs.getString("etag"),
                                        rs.getString("version_id"), instant(rs, "event_time"), rs.getBoolean("deleted")));
                    }
                }
                return objects;
            } catch (SQLException e) {
                throw new RepositoryUnavailableException("reading batch objects failed: " + e.getMessage(), e);
            }
        }

        @Override
        public boolean hold(OpenBatch batch, String filterExpression, String reason, Instant at) {
            try (PreparedStatement ps = c.prepareStatement(HOLD)) {
                int i = 1;
                ps.setObject(i++, batch.batchId());
                ps.setString(i++, filterExpression);
                ps.setObject(i++, time(batch.lastActivityAt()));
                ps.setInt(i++, batch.objectCount());
                ps.setInt(i++, batch.deletedCount());
                ps.setString(i++, reason);
                ps.setObject(i++, time(at));
                ps.setObject(i++, time(at));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            } catch (SQLException e) {
                throw new RepositoryUnavailableException("recording a held batch failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void closeForAnnouncement(List<ReadyBatch> ready, Instant at, Instant publishingUntil) {
            if (ready.isEmpty()) {
                return;
            }
            Object[] ids = ready.stream().map(r -> r.batch().batchId()).toArray();
            Object[] triggers = ready.stream().map(r -> r.trigger().wireName()).toArray();
            try (PreparedStatement close = c.prepareStatement(CLOSE)) {
                Array idArray = c.createArrayOf("uuid", ids);
                close.setObject(1, time(at));
                close.setObject(2, time(publishingUntil));
                close.setArray(3, c.createArrayOf("text", triggers));
                close.setArray(4, idArray);
                close.setArray(5, idArray);
                close.setArray(6, idArray); // the sentinel answers to lock, through their primary key (every id is closed here)
                long closed;
                try (ResultSet rs = close.executeQuery()) {
                    rs.next();
                    closed = rs.getLong(1);
                }
                if (closed != ready.size()) {
                    // the rows are locked by this transaction, so this means a bug, not a race
                    throw new IllegalStateException("closed " + closed + " of " + ready.size() + " claimed batches");
                }
            } catch (SQLException e) {
                throw new RepositoryUnavailableException("closing batches for announcement failed: " + e.getMessage(), e);
            }
        }
    }
}

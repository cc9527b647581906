package com.quiltdata.edp.emit.testing;

import com.quiltdata.edp.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * Writes open batches the way the store Lambda leaves them (batch + batch_object rows), with
 * plain SQL, so emit tests do not depend on the store module.
 *
 * <pre>
 * UUID id = OpenBatches.batch("bucket-a", "lab/run-1/").files(3).lastActivityAt(t).insert(db);
 * </pre>
 */
public final class OpenBatches {
    private final String bucket;
    private final String prefix;
    private final List<Obj> objects = new ArrayList<>();
    private Instant openedAt = Instant.parse("2026-11-02T10:00:00Z");
    private Instant lastActivityAt;
    private UUID batchId = UUID.randomUUID();

    private record Obj(String key, long size, boolean deleted) {}

    private OpenBatches(String bucket, String prefix) {
        this.bucket = bucket;
        this.prefix = prefix;
    }

    public static OpenBatches batch(String bucket, String prefix) {
        return new OpenBatches(bucket, prefix);
    }

    /** The common case: {@code count} created files, opened and last active at the given times. */
    public static UUID insert(TestDatabase db, String bucket, String prefix, int count, Instant openedAt, Instant lastActivityAt) {
        return batch(bucket, prefix).files(count).openedAt(openedAt).lastActivityAt(lastActivityAt).insert(db);
    }

    /** Adds {@code count} created files named file-0.csv, file-1.csv... of 100 bytes each. */
    public OpenBatches files(int count) {
        int start = objects.size();
        for (int i = start; i < start + count; i++) {
            objects.add(new Obj(prefix + "file-" + i + ".csv", 100, false));
        }
        return this;
    }

    public OpenBatches file(String name, long size) {
        objects.add(new Obj(prefix + name, size, false));
        return this;
    }

    public OpenBatches deleted(String name) {
        objects.add(new Obj(prefix + name, 0, true));
        return this;
    }

    public OpenBatches openedAt(Instant t) {
        this.openedAt = t;
        return this;
    }

    public OpenBatches lastActivityAt(Instant t) {
        this.lastActivityAt = t;
        return this;
    }

    public OpenBatches id(UUID id) {
        this.batchId = id;
        return this;
    }

    public UUID insert(TestDatabase db) {
        try (Connection c = db.connect()) {
            return insert(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Inserts many batches over one connection: {@code make} builds the i-th. */
    public static List<UUID> insertMany(TestDatabase db, int count, IntFunction<OpenBatches> make) {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                ids.add(make.apply(i).insert(c));
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    private UUID insert(Connection c) throws SQLException {
        Instant last = lastActivityAt == null ? openedAt : lastActivityAt;
        int created = (int) objects.stream().filter(o -> !o.deleted).count();
        int deleted = objects.size() - created;
        long bytes = objects.stream().filter(o -> !o.deleted).mapToLong(Obj::size).sum();
        {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO batch (batch_id, bucket, prefix, state, object_count, deleted_count, total_bytes,
                                       first_event_time, last_event_time, opened_at, last_activity_at)
                    VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setObject(1, batchId);
                ps.setString(2, bucket);
                ps.setString(3, prefix);
                ps.setInt(4, created);
                ps.setInt(5, deleted);
                ps.setLong(6, bytes);
                ps.setTimestamp(7, Timestamp.from(openedAt));
                ps.setTimestamp(8, Timestamp.from(last));
                ps.setTimestamp(9, Timestamp.from(openedAt));
                ps.setTimestamp(10, Timestamp.from(last));
                ps.executeUpdate();
            }
            addObjects(c, batchId, objects, last);
        }
        return batchId;
    }

    /** Records more activity on an open batch, as the store does for a late file. */
    public static void addFile(TestDatabase db, UUID batchId, String key, long size, Instant activity) {
        try (Connection c = db.connect()) {
            addObjects(c, batchId, List.of(new Obj(key, size, false)), activity);
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE batch SET object_count = object_count + 1, total_bytes = total_bytes + ?,
                                     last_event_time = greatest(last_event_time, ?), last_activity_at = greatest(last_activity_at, ?)
                    WHERE batch_id = ?""")) {
                ps.setLong(1, size);
                ps.setTimestamp(2, Timestamp.from(activity));
                ps.setTimestamp(3, Timestamp.from(activity));
                ps.setObject(4, batchId);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void addObjects(Connection c, UUID batchId, List<Obj> objects, Instant eventTime) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO batch_object (batch_id, object_key, file_name, deleted, size, etag, version_id, sequencer, event_time)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            int n = 0;
            for (Obj o : objects) {
                ps.setObject(1, batchId);
                ps.setString(2, o.key);
                ps.setString(3, o.key.substring(o.key.lastIndexOf('/') + 1));
                ps.setBoolean(4, o.deleted);
                if (o.deleted) {
                    ps.setNull(5, java.sql.Types.BIGINT);
                    ps.setNull(6, java.sql.Types.VARCHAR);
                } else {
                    ps.setLong(5, o.size);
                    ps.setString(6, "etag-" + n);
                }
                ps.setString(7, "v" + n);
                ps.setString(8, String.format("%016x", n));
                ps.setTimestamp(9, Timestamp.from(eventTime));
                ps.addBatch();
                n++;
            }
            ps.executeBatch();
        }
    }

    public static String state(TestDatabase db, UUID batchId) {
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement("SELECT state || coalesce(':' || trigger, '') FROM batch WHERE batch_id = ?")) {
            ps.setObject(1, batchId);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "missing";
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

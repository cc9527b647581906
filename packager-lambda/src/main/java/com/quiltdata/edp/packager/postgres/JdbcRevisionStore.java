package com.quiltdata.edp.packager.postgres;

import com.quiltdata.edp.packager.domain.PackageName;
import com.quiltdata.edp.packager.domain.RegistryPointer;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.port.RevisionStore;
import com.quiltdata.edp.postgres.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code package_revision} rows, one per revision written (unique per batch id, per revision, and per
 * timestamp pointer and top hash), and
 * {@code package_write} rows, one per revision whose write is under way or was interrupted.
 */
public final class JdbcRevisionStore implements RevisionStore {
    private static final String WRITE_COLUMNS = "registry, package_name, top_hash, batch_id, source_uri, object_count,"
            + " total_bytes, created_at, ready_at";

    private final Database database;

    public JdbcRevisionStore(Database database) {
        this.database = database;
    }

    @Override
    public boolean hasBatch(UUID batchId) {
        return exists("SELECT 1 FROM package_revision WHERE batch_id = ?", batchId);
    }

    @Override
    public boolean hasRevision(String registry, PackageName name, String topHash) {
        return exists("SELECT 1 FROM package_revision WHERE registry = ? AND package_name = ? AND top_hash = ?",
                registry, name.toString(), topHash);
    }

    @Override
    public void record(PackageRevision r) {
        // a retry after a crash records the same revision again: either unique index makes that a no-op
        query("record revision " + r.name() + "@" + r.topHash(), c -> insert(c, "package_revision", r, "ON CONFLICT DO NOTHING"));
    }

    @Override
    public boolean recordPointer(PackageRevision r, String pointerKey) {
        return query("record revision " + r.name() + "@" + r.topHash() + " of " + pointerKey, c -> {
            if (r.batchId().isPresent()) {
                // the pointer's S3 event was recorded first: this packager's row says which batch it was
                try (PreparedStatement ps = c.prepareStatement("""
                        UPDATE package_revision SET batch_id = ?, source_uri = ?
                        WHERE registry = ? AND pointer_key = ? AND top_hash = ? AND batch_id IS NULL
                          AND NOT EXISTS (SELECT 1 FROM package_revision WHERE batch_id = ?)""")) {
                    ps.setObject(1, r.batchId().get());
                    ps.setString(2, r.sourceUri());
                    ps.setString(3, r.registry());
                    ps.setString(4, pointerKey);
                    ps.setString(5, r.topHash());
                    ps.setObject(6, r.batchId().get());
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO package_revision (" + WRITE_COLUMNS + ", pointer_key)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                bind(ps, r);
                ps.setString(10, pointerKey);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean hasPointer(RegistryPointer pointer, String topHash) {
        return exists("""
                SELECT 1 FROM package_revision
                WHERE registry = ? AND package_name = ? AND top_hash = ?
                  AND (pointer_key = ? OR (pointer_key IS NULL AND created_at >= ? AND created_at < ?))""",
                pointer.registry(), pointer.name().toString(), topHash, pointer.key(),
                Timestamp.from(pointer.writtenAt()), Timestamp.from(pointer.writtenAt().plusSeconds(1)));
    }

    @Override
    public PackageRevision begin(PackageRevision r) {
        return query("open the write of " + r.name() + "@" + r.topHash(), c -> {
            insert(c, "package_write", r, "ON CONFLICT (registry, package_name, top_hash) DO NOTHING");
            return select(c, "WHERE registry = ? AND package_name = ? AND top_hash = ?", r.registry(), r.name().toString(),
                    r.topHash()).get(0);
        });
    }

    @Override
    public Optional<PackageRevision> openWrite(UUID batchId) {
        return query("read open writes", c -> select(c, "WHERE batch_id = ?", batchId)).stream().findFirst();
    }

    @Override
    public List<PackageRevision> openWrites(String registry, PackageName name) {
        return query("read open writes", c -> select(c, "WHERE registry = ? AND package_name = ? ORDER BY created_at",
                registry, name.toString()));
    }

    @Override
    public void finish(PackageRevision r) {
        query("close the write of " + r.name() + "@" + r.topHash(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM package_write WHERE registry = ? AND package_name = ? AND top_hash = ?")) {
                ps.setString(1, r.registry());
                ps.setString(2, r.name().toString());
                ps.setString(3, r.topHash());
                return ps.executeUpdate();
            }
        });
    }

    private static int insert(Connection c, String table, PackageRevision r, String onConflict) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + WRITE_COLUMNS + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) " + onConflict)) {
            bind(ps, r);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, PackageRevision r) throws SQLException {
        ps.setString(1, r.registry());
        ps.setString(2, r.name().toString());
        ps.setString(3, r.topHash());
        ps.setObject(4, r.batchId().orElse(null));
        ps.setString(5, r.sourceUri());
        // package_revision.object_count is an integer column
        ps.setLong(6, Math.min(Integer.MAX_VALUE, r.objectCount()));
        ps.setLong(7, r.totalBytes());
        ps.setTimestamp(8, Timestamp.from(r.createdAt()));
        ps.setTimestamp(9, Timestamp.from(r.readyAt()));
    }

    private static List<PackageRevision> select(Connection c, String where, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + WRITE_COLUMNS + " FROM package_write " + where)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<PackageRevision> open = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    open.add(new PackageRevision(rs.getString(1), PackageName.parse(rs.getString(2)), rs.getString(3),
                            Optional.ofNullable(rs.getObject(4, UUID.class)), rs.getString(5), rs.getLong(6), rs.getLong(7),
                            rs.getTimestamp(8).toInstant(), rs.getTimestamp(9).toInstant()));
                }
            }
            return open;
        }
    }

    private <T> T query(String what, Database.SqlWork<T> work) {
        try {
            return database.inTransaction(work);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private boolean exists(String sql, Object... params) {
        return query("query package_revision", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }
}

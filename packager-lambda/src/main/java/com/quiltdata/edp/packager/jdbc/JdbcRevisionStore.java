package com.quiltdata.edp.packager.jdbc;

import com.quiltdata.edp.packager.manifest.PackageName;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.port.RevisionStore;
import com.quiltdata.edp.postgres.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.UUID;

/** {@code package_revision} rows, one per revision written (unique per batch id). */
public final class JdbcRevisionStore implements RevisionStore {
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
        try {
            database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO package_revision (registry, package_name, top_hash,"
                        + " batch_id, source_uri, object_count, total_bytes, created_at, ready_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (batch_id) WHERE batch_id IS NOT NULL DO NOTHING")) {
                    ps.setString(1, r.registry());
                    ps.setString(2, r.name().toString());
                    ps.setString(3, r.topHash());
                    ps.setObject(4, r.batchId().orElse(null));
                    ps.setString(5, r.sourceUri());
                    ps.setInt(6, (int) Math.min(Integer.MAX_VALUE, r.objectCount()));
                    ps.setLong(7, r.totalBytes());
                    ps.setTimestamp(8, Timestamp.from(r.createdAt()));
                    ps.setTimestamp(9, Timestamp.from(r.readyAt()));
                    return ps.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record revision " + r.name() + "@" + r.topHash() + ": " + e.getMessage(), e);
        }
    }

    private boolean exists(String sql, Object... params) {
        try {
            return database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < params.length; i++) {
                        ps.setObject(i + 1, params[i]);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next();
                    }
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot query package_revision: " + e.getMessage(), e);
        }
    }
}

package com.quiltdata.edp.emit.testing;

import com.quiltdata.edp.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** Writes package_revision rows the way the packager does, with plain SQL. */
public final class PackageRevisions {
    private PackageRevisions() {}

    public static long insert(TestDatabase db, String registry, String packageName, String topHash, Instant createdAt, Instant readyAt) {
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO package_revision (registry, package_name, top_hash, source_uri, object_count, total_bytes,
                                                      created_at, ready_at)
                        VALUES (?, ?, ?, ?, 1, 100, ?, ?) RETURNING revision_id""")) {
            ps.setString(1, registry);
            ps.setString(2, packageName);
            ps.setString(3, topHash);
            ps.setString(4, "s3://" + registry + "/" + packageName + "/");
            ps.setTimestamp(5, Timestamp.from(createdAt));
            ps.setTimestamp(6, Timestamp.from(readyAt));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hash(int n) {
        return String.format("%064x", n);
    }
}

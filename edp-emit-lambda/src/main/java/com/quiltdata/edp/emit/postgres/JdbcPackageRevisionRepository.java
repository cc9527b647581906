package com.quiltdata.edp.emit.postgres;

import static com.quiltdata.edp.emit.postgres.JdbcBatchRepository.instant;
import static com.quiltdata.edp.emit.postgres.JdbcBatchRepository.time;

import com.quiltdata.edp.emit.domain.PackageReady;
import com.quiltdata.edp.emit.port.PackageRevisionRepository;
import com.quiltdata.edp.emit.port.RepositoryUnavailableException;
import com.quiltdata.edp.postgres.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Unpublished package revisions in PostgreSQL, read through the partial index on ready_at. */
public final class JdbcPackageRevisionRepository implements PackageRevisionRepository {

    private static final String CLAIM_READY = """
            SELECT revision_id, registry, package_name, top_hash, ready_at
            FROM package_revision
            WHERE published_at IS NULL AND ready_at <= ?
              AND ready_at >= ? AND (ready_at > ? OR revision_id > ?)
            ORDER BY ready_at, revision_id
            LIMIT ?
            FOR UPDATE SKIP LOCKED""";

    private static final String MARK_PUBLISHED = """
            UPDATE package_revision SET published_at = ?
            WHERE revision_id = ANY (?::bigint[]) AND published_at IS NULL""";

    private final Database database;

    public JdbcPackageRevisionRepository(Database database) {
        this.database = database;
    }

    private static final String RECENT = """
            SELECT registry, package_name, top_hash, object_count, total_bytes, created_at, batch_id
            FROM package_revision ORDER BY created_at DESC, revision_id DESC LIMIT ?""";

    @Override
    public List<WrittenRevision> recent(int limit) {
        try {
            return database.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(RECENT)) {
                    ps.setInt(1, Math.max(0, limit));
                    List<WrittenRevision> recent = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            recent.add(new WrittenRevision(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                                    rs.getLong(5), instant(rs, "created_at"), rs.getString(7)));
                        }
                    }
                    return recent;
                }
            });
        } catch (SQLException e) {
            throw new RepositoryUnavailableException("reading recent package revisions failed: " + e.getMessage(), e);
        }
    }

    @Override
    public RevisionClaim claimReady(Instant now, Cursor after, int limit) {
        Connection c = ClaimTransaction.begin(database);
        try (PreparedStatement ps = c.prepareStatement(CLAIM_READY)) {
            ps.setObject(1, time(now));
            ps.setObject(2, time(after.readyAt()));
            ps.setObject(3, time(after.readyAt()));
            ps.setLong(4, after.revisionId());
            ps.setInt(5, limit);
            List<ReadyRevision> revisions = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    revisions.add(new ReadyRevision(
                            new PackageReady(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)),
                            instant(rs, "ready_at")));
                }
            }
            return new Claim(c, revisions);
        } catch (SQLException | RuntimeException e) {
            throw ClaimTransaction.abandon(c, "claiming ready package revisions", e);
        }
    }

    private static final class Claim extends ClaimTransaction implements RevisionClaim {
        private final List<ReadyRevision> revisions;

        Claim(Connection c, List<ReadyRevision> revisions) {
            super(c);
            this.revisions = List.copyOf(revisions);
        }

        @Override
        public List<ReadyRevision> revisions() {
            return revisions;
        }

        @Override
        public void markPublished(List<Long> revisionIds, Instant at) {
            if (revisionIds.isEmpty()) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement(MARK_PUBLISHED)) {
                ps.setObject(1, time(at));
                ps.setArray(2, c.createArrayOf("bigint", revisionIds.toArray()));
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new RepositoryUnavailableException("marking package revisions published failed: " + e.getMessage(), e);
            }
        }
    }
}

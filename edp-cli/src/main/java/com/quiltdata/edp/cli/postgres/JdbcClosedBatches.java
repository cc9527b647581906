package com.quiltdata.edp.cli.postgres;

import com.quiltdata.edp.postgres.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The batches an emit tick closed for announcement and that no tick has yet marked emitted
 * (state {@code closed}, db/migrations/V7): what {@code edp status} reports as not yet announced.
 * Read-only; the emit Lambda owns the state machine (open, closed, emitted).
 */
public final class JdbcClosedBatches {

    /** One closed batch; {@code publishingUntil} is the lease of the tick that may still be publishing it. */
    public record ClosedBatch(UUID batchId, String bucket, String prefix, String trigger, int objectCount,
            Instant closedAt, Optional<Instant> publishingUntil) {
    }

    /** Every closed batch counted, the oldest {@code limit} of them listed. */
    public record Listing(long count, long closedBefore, Optional<Instant> oldestClosedAt, List<ClosedBatch> oldest) {
    }

    /*
     * One statement, so the counts and the list come from one snapshot. The closed set stays small
     * (the partial index batch_closed), so the CTE read twice costs nothing worth a second index.
     * Parameters: the cutoff for closedBefore, the limit.
     */
    private static final String READ = """
            WITH closed AS (
                SELECT batch_id, bucket, prefix, trigger, object_count, closed_at, publishing_until
                FROM batch WHERE state = 'closed')
            SELECT t.total, t.before_cutoff, t.oldest,
                   c.batch_id, c.bucket, c.prefix, c.trigger, c.object_count, c.closed_at, c.publishing_until
            FROM (SELECT count(*) AS total, count(*) FILTER (WHERE closed_at <= ?) AS before_cutoff,
                         min(closed_at) AS oldest FROM closed) t
            LEFT JOIN LATERAL (SELECT * FROM closed ORDER BY closed_at, batch_id LIMIT ?) c ON true
            ORDER BY c.closed_at, c.batch_id""";

    private final Database database;

    public JdbcClosedBatches(Database database) {
        this.database = database;
    }

    /**
     * @param cutoff batches closed at or before it are counted in {@link Listing#closedBefore}
     * @param limit  how many of the oldest to list
     */
    public Listing read(Instant cutoff, int limit) throws SQLException {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(READ)) {
                ps.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
                ps.setInt(2, limit);
                long total = 0;
                long before = 0;
                Optional<Instant> oldest = Optional.empty();
                List<ClosedBatch> listed = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        total = rs.getLong("total");
                        before = rs.getLong("before_cutoff");
                        oldest = instant(rs, "oldest");
                        UUID id = rs.getObject("batch_id", UUID.class);
                        if (id != null) {
                            listed.add(new ClosedBatch(id, rs.getString("bucket"), rs.getString("prefix"), rs.getString("trigger"),
                                    rs.getInt("object_count"), instant(rs, "closed_at").orElseThrow(), instant(rs, "publishing_until")));
                        }
                    }
                }
                return new Listing(total, before, oldest, List.copyOf(listed));
            }
        });
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }
}

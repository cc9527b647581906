package com.quiltdata.edp.emit.port;

import com.quiltdata.edp.emit.domain.OpenBatch;
import com.quiltdata.edp.emit.domain.ReadinessRules;
import com.quiltdata.edp.emit.domain.ReadyBatch;
import com.quiltdata.edp.emit.domain.ThresholdRules;
import com.quiltdata.edp.emit.domain.ThresholdRules.ScopeSelection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The open batches the store Lambda keeps, as the emit Lambda claims, closes and announces them:
 * open, then closed (frozen, with its trigger) in a commit of its own before PutEvents, then
 * emitted once the bus accepted its event.
 */
public interface BatchRepository {

    /**
     * The open batches that are due under the rules at {@code now}, oldest first, read without
     * locking. With a filter expression, batches it held back and that have not changed since are
     * left out unless they reached max age. A batch listed here may be gone or no longer due by the
     * time it is claimed.
     */
    List<UUID> findDue(DueQuery query);

    /**
     * Opens a transaction and locks those of the given batches that are still open and due,
     * skipping any another transaction holds.
     */
    BatchClaim claim(List<UUID> batchIds, DueQuery query);

    /**
     * Closed batches whose announcement was not confirmed: the invocation that closed them died
     * or ran out of time after its lease ({@code publishing_until}), or the bus refused their
     * entry. Takes up to {@code limit} of them, oldest closed first, by moving their lease to
     * {@code publishingUntil} (commits at once), so a concurrent tick does not take them too.
     */
    List<ReadyBatch> takeOverClosed(Instant now, Instant publishingUntil, int limit);

    /**
     * Records how an announcement went: the announced batches become emitted; the others give up
     * the caller's lease ({@code publishingUntil} as given when they were closed or taken over), so
     * the next tick announces them again.
     */
    void finishAnnouncing(List<UUID> announced, List<UUID> notAnnounced, Instant at, Instant publishingUntil);

    /** Opens a transaction and locks the open batch of one prefix, if there is one and it is free. */
    ManualClaim claimOpen(String bucket, String prefix);

    /** Every open batch, oldest first, with whether one of its live objects is named in {@code sentinels} (edp status). */
    List<OpenBatch> openBatches(List<String> sentinels);

    /**
     * The tick's gauges, read in one statement (one snapshot): how many batches are open and since
     * when the oldest one is, and how many are closed but not yet announced (emitted) and since
     * when the oldest of those was closed (metrics; ADR 0316).
     */
    BatchStats batchStats();

    /**
     * What is due: the rules, the ready filter, and which batches the rules apply to ({@code scope}
     * empty = every open batch; see {@link ThresholdRules#selection}).
     */
    record DueQuery(Instant now, ReadinessRules rules, Optional<String> filterExpression, Optional<ScopeSelection> scope) {
        public DueQuery(Instant now, ReadinessRules rules, Optional<String> filterExpression) {
            this(now, rules, filterExpression, Optional.empty());
        }
    }

    record BatchStats(long openCount, Optional<Instant> oldestOpenedAt, long closedCount, Optional<Instant> oldestClosedAt) {}

    /** What a manual claim found: the batch, none open, or one open but locked by a running tick. */
    sealed interface ManualClaim extends AutoCloseable permits ManualClaim.Claimed, ManualClaim.NoneOpen, ManualClaim.Busy {
        @Override
        void close();

        record Claimed(BatchClaim claim) implements ManualClaim {
            @Override
            public void close() {
                claim.close();
            }
        }

        record NoneOpen() implements ManualClaim {
            @Override
            public void close() {}
        }

        record Busy() implements ManualClaim {
            @Override
            public void close() {}
        }
    }
}

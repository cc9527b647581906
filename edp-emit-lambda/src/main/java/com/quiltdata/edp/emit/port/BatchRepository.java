package com.quiltdata.edp.emit.port;

import com.quiltdata.edp.emit.domain.ReadinessRules;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The open batches the store Lambda keeps, as the emit Lambda claims and closes them. */
public interface BatchRepository {

    /**
     * Opens a transaction and locks up to {@code limit} open batches that are due under the rules
     * at {@code now}, skipping batches another transaction holds, oldest first, strictly after the
     * cursor. With a filter expression, batches it held back and that have not changed since are
     * left out unless they reached max age.
     */
    BatchClaim claimDue(DueQuery query);

    /** Opens a transaction and locks the open batch of one prefix, if there is one and it is free. */
    ManualClaim claimOpen(String bucket, String prefix);

    /** How many batches are open and since when the oldest one is (metrics). */
    OpenBatchStats openBatchStats();

    record DueQuery(Instant now, ReadinessRules rules, Optional<String> filterExpression, Cursor after, int limit) {}

    /** Position in the order batches are claimed: opening time, then batch id. */
    record Cursor(Instant openedAt, UUID batchId) {
        public static final Cursor START = new Cursor(Instant.EPOCH, new UUID(0, 0));
    }

    record OpenBatchStats(long count, Optional<Instant> oldestOpenedAt) {}

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

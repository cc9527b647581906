package com.quiltdata.edp.emit;

import com.quiltdata.edp.emit.domain.PackageObjectsReady;
import com.quiltdata.edp.emit.domain.ReadyBatch;
import com.quiltdata.edp.emit.domain.Trigger;
import com.quiltdata.edp.emit.port.BatchClaim;
import com.quiltdata.edp.emit.port.BatchRepository;
import com.quiltdata.edp.emit.port.BatchRepository.ManualClaim;
import com.quiltdata.edp.emit.port.EventPublisher;
import com.quiltdata.edp.emit.port.PublishResult;
import com.quiltdata.edp.observe.Log;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The operator's {@code edp flush}: fires the open batch of one prefix now, with trigger
 * {@code manual}, whatever the thresholds and the ready filter say. Like a tick, it closes the
 * batch before publishing (ADR 0205); if the bus refuses it, the next tick announces it.
 */
public final class FlushBatch {
    private static final Log LOG = Log.of("emit");

    private final BatchRepository batches;
    private final EventPublisher publisher;
    private final Clock clock;

    public FlushBatch(BatchRepository batches, EventPublisher publisher, Clock clock) {
        this.batches = batches;
        this.publisher = publisher;
        this.clock = clock;
    }

    public Outcome flush(String bucket, String prefix) {
        Instant lease = clock.instant().plus(ReadyBatchEmitter.MAX_LEASE);
        ReadyBatch ready;
        try (ManualClaim manual = batches.claimOpen(bucket, prefix)) {
            if (manual instanceof ManualClaim.NoneOpen) {
                LOG.info("flush found no open batch", "bucket", bucket, "prefix", prefix);
                return new Outcome(Outcome.Status.NONE_OPEN, Optional.empty(), "no open batch");
            }
            if (manual instanceof ManualClaim.Busy) {
                LOG.info("flush found the batch locked by a running tick", "bucket", bucket, "prefix", prefix);
                return new Outcome(Outcome.Status.BUSY, Optional.empty(), "the open batch is being emitted by a tick");
            }
            BatchClaim claim = ((ManualClaim.Claimed) manual).claim();
            ready = new ReadyBatch(claim.batches().get(0), Trigger.MANUAL);
            claim.closeForAnnouncement(List.of(ready), clock.instant(), lease);
            claim.commit();
        }
        UUID id = ready.batch().batchId();
        PublishResult<PackageObjectsReady> result = publisher.publish(List.of(ready.event()));
        if (result.published().isEmpty()) {
            batches.finishAnnouncing(List.of(), List.of(id), clock.instant(), lease);
            String reason = result.failed().isEmpty() ? "the bus could not be reached"
                    : result.failed().get(0).code() + ": " + result.failed().get(0).message();
            LOG.warn("flush publish failed; the next tick announces the batch", "bucket", bucket, "prefix", prefix,
                    "batch_id", id.toString(), "reason", reason);
            return new Outcome(Outcome.Status.PUBLISH_FAILED, Optional.of(id),
                    reason + " (the batch is closed; the next emit tick announces it)");
        }
        batches.finishAnnouncing(List.of(id), List.of(), clock.instant(), lease);
        LOG.info("emitted", "bucket", bucket, "prefix", prefix, "batch_id", id.toString(),
                "trigger", Trigger.MANUAL.wireName(), "objects", ready.batch().objectCount(), "deleted", ready.batch().deletedCount());
        return new Outcome(Outcome.Status.EMITTED, Optional.of(id), "emitted");
    }

    /** What a flush did. */
    public record Outcome(Status status, Optional<UUID> batchId, String detail) {
        public enum Status { EMITTED, NONE_OPEN, BUSY, PUBLISH_FAILED }
    }
}

package com.quiltdata.edp.processor;

import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.processor.domain.BatchFailedException;
import com.quiltdata.edp.processor.domain.BatchOutcome;
import com.quiltdata.edp.processor.domain.InvalidMessageException;
import com.quiltdata.edp.processor.domain.ReadyBatch;
import com.quiltdata.edp.processor.domain.ReadyBatchParser;
import com.quiltdata.edp.processor.port.FailureNotifier;
import java.time.Clock;
import java.util.Optional;

/**
 * One queue message, whoever received it (the Lambda runtime or the poll loop): parse, process,
 * log one line with the decision, count it, and say whether the message is done with. A message is
 * done with when the command ran and its outputs were written, or when the execution filter held the
 * batch (see docs/adr/0400). Everything else fails the message, so the queue retries it and finally
 * moves it to the DLQ; each failed attempt is also published on SNS when TOPIC_ARN is set.
 */
public final class MessageProcessor {
    private static final Log LOG = Log.of("processor");

    private final ProcessBatch processBatch;
    private final Optional<FailureNotifier> notifier;
    private final Clock clock;

    public MessageProcessor(ProcessBatch processBatch, Optional<FailureNotifier> notifier, Clock clock) {
        this.processBatch = processBatch;
        this.notifier = notifier;
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    /** @return true when the message may be deleted from the queue */
    public boolean handle(String messageId, String body, String receiveCount, Metrics metrics) {
        long start = clock.millis();
        ReadyBatch batch = null;
        try {
            batch = ReadyBatchParser.parse(body);
            BatchOutcome outcome = processBatch.run(batch);
            if (outcome.clamped()) {
                LOG.warn("PULL_PARENT_DIRS reaches above the first folder; pulled the first folder only",
                        "messageId", messageId, "bucket", batch.bucket(), "prefix", batch.prefix(),
                        "pulled", outcome.pulledPrefix());
            }
            if (outcome.kind() == BatchOutcome.Kind.HELD) {
                metrics.count("BatchesHeld", 1);
                LOG.info("held", "messageId", messageId, "bucket", batch.bucket(), "prefix", batch.prefix(),
                        "batchId", batch.batchId().orElse(null), "pulled", outcome.pulledPrefix(),
                        "listed", outcome.listed(), "filter", outcome.reason());
                return true;
            }
            metrics.count("BatchesProcessed", 1)
                    .count("ObjectsDownloaded", outcome.downloaded())
                    .count("BytesDownloaded", outcome.bytesDownloaded())
                    .count("ObjectsUploaded", outcome.uploaded())
                    .count("BytesUploaded", outcome.bytesUploaded())
                    .count("ObjectsUnchanged", outcome.unchanged())
                    .millis("CommandDurationMs", outcome.commandTime().toMillis());
            LOG.info("processed", "messageId", messageId, "bucket", batch.bucket(), "prefix", batch.prefix(),
                    "batchId", batch.batchId().orElse(null), "pulled", outcome.pulledPrefix(), "listed", outcome.listed(),
                    "downloaded", outcome.downloaded(), "skipped", outcome.skipped(), "uploaded", outcome.uploaded(),
                    "unchanged", outcome.unchanged(), "commandMs", outcome.commandTime().toMillis());
            return true;
        } catch (InvalidMessageException e) {
            metrics.count("MessagesRejected", 1);
            LOG.error("message rejected; it goes to the DLQ after the queue's retries", "messageId", messageId,
                    "receiveCount", receiveCount, "reason", e.getMessage());
            notifyFailure(new FailureNotifier.Failure(null, null, null, messageId, "message rejected: " + e.getMessage(),
                    receiveCount, null, null));
            return false;
        } catch (BatchFailedException e) {
            metrics.count("BatchesFailed", 1);
            if (e.kind() == BatchFailedException.Cause.COMMAND_TIMEOUT) {
                metrics.count("CommandTimeouts", 1);
            }
            LOG.warn("batch failed; the queue retries it and moves it to the DLQ after its limit", "messageId", messageId,
                    "receiveCount", receiveCount, "bucket", e.bucket(), "prefix", batch.prefix(), "pulled", e.prefix(),
                    "batchId", batch.batchId().orElse(null), "cause", e.kind().name(), "reason", e.getMessage(),
                    "exitCode", e.exitCode(), "outputTail", e.outputTail());
            notifyFailure(new FailureNotifier.Failure(e.bucket(), e.prefix(), batch.batchId().orElse(null), messageId,
                    e.getMessage(), receiveCount, e.exitCode(), e.outputTail()));
            return false;
        } catch (RuntimeException e) {
            metrics.count("BatchesFailed", 1);
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.warn("batch failed unexpectedly; will retry", "messageId", messageId, "receiveCount", receiveCount,
                    "bucket", batch == null ? null : batch.bucket(), "prefix", batch == null ? null : batch.prefix(),
                    "reason", reason);
            notifyFailure(new FailureNotifier.Failure(batch == null ? null : batch.bucket(),
                    batch == null ? null : batch.prefix(), batch == null ? null : batch.batchId().orElse(null),
                    messageId, reason, receiveCount, null, null));
            return false;
        } finally {
            metrics.millis("ProcessorDurationMs", clock.millis() - start);
        }
    }

    private void notifyFailure(FailureNotifier.Failure failure) {
        if (notifier.isEmpty()) {
            return;
        }
        try {
            notifier.get().batchFailed(failure);
        } catch (RuntimeException e) {
            LOG.warn("could not publish the failure notification", "messageId", failure.messageId(),
                    "error", e.getMessage());
        }
    }
}

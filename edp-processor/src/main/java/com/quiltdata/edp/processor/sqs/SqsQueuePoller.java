package com.quiltdata.edp.processor.sqs;

import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.processor.MessageProcessor;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The poll loop behind {@code edp exec}: long-poll the queue, handle each message, delete the ones
 * that are done with. A failed message is left alone, so it reappears after the visibility timeout
 * and the queue's redrive policy moves it to the DLQ after {@code maxReceiveCount} receives, exactly
 * as with the Lambda event source mapping. Receive errors back off (1 s doubling to 60 s).
 */
public final class SqsQueuePoller {
    private static final Log LOG = Log.of("processor");
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    /** What one run of the loop did. */
    public record Summary(int received, int done, int failed) {}

    private final SqsClient sqs;
    private final String queueUrl;
    private final MessageProcessor messages;
    private final int maxMessages;
    private final int waitSeconds;
    private final Duration visibilityTimeout;
    private final Consumer<String> metricsSink;

    public SqsQueuePoller(SqsClient sqs, String queueUrl, MessageProcessor messages, int maxMessages, int waitSeconds,
                          Duration visibilityTimeout, Consumer<String> metricsSink) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.messages = messages;
        this.maxMessages = maxMessages;
        this.waitSeconds = waitSeconds;
        this.visibilityTimeout = visibilityTimeout;
        this.metricsSink = metricsSink;
    }

    /**
     * Polls until {@code stop} says so (checked between receives), or, with {@code untilEmpty}, until a
     * receive returns nothing. A message being processed is always finished first.
     */
    public Summary run(BooleanSupplier stop, boolean untilEmpty) {
        int received = 0;
        int done = 0;
        int failed = 0;
        Duration backoff = Duration.ZERO;
        LOG.info("polling", "queueUrl", queueUrl, "visibilityTimeoutSeconds", visibilityTimeout.toSeconds());
        while (!stop.getAsBoolean()) {
            List<Message> batch;
            try {
                batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(maxMessages)
                        .waitTimeSeconds(waitSeconds).visibilityTimeout((int) visibilityTimeout.toSeconds())
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
                backoff = Duration.ZERO;
            } catch (SdkException e) {
                backoff = backoff.isZero() ? Duration.ofSeconds(1) : min(backoff.multipliedBy(2), MAX_BACKOFF);
                LOG.warn("receive failed; backing off", "queueUrl", queueUrl, "backoffSeconds", backoff.toSeconds(),
                        "error", e.getMessage());
                if (!sleep(backoff, stop)) {
                    break;
                }
                continue;
            }
            if (batch.isEmpty() && untilEmpty) {
                break;
            }
            Metrics metrics = new Metrics("processor", messages.clock(), metricsSink);
            for (Message message : batch) {
                received++;
                String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
                if (messages.handle(message.messageId(), message.body(), count, metrics)) {
                    done++;
                    delete(message);
                } else {
                    failed++;
                }
            }
            metrics.flush();
        }
        LOG.info("stopped polling", "queueUrl", queueUrl, "received", received, "done", done, "failed", failed);
        return new Summary(received, done, failed);
    }

    private void delete(Message message) {
        try {
            sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        } catch (SdkException e) {
            // the message comes back after the visibility timeout and is processed again, which the
            // fixed-point upload makes harmless
            LOG.warn("could not delete a finished message; it will be processed again", "messageId",
                    message.messageId(), "error", e.getMessage());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Sleeps in short steps so that a stop request is seen; false when interrupted or stopped. */
    private static boolean sleep(Duration duration, BooleanSupplier stop) {
        long until = System.nanoTime() + duration.toNanos();
        try {
            while (System.nanoTime() < until) {
                if (stop.getAsBoolean()) {
                    return false;
                }
                Thread.sleep(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

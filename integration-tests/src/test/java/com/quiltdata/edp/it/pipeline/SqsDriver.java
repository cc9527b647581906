package com.quiltdata.edp.it.pipeline;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What Lambda's SQS event source mapping does, done by the test: receive up to a batch of messages,
 * invoke the handler with an {@link SQSEvent}, delete the messages it did not report as batch item
 * failures (those come back after the visibility timeout, and go to the DLQ by the queue's redrive
 * policy), and treat a handler exception as a failure of the whole batch.
 */
public final class SqsDriver {
    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final int batchSize;
    private final Function<SQSEvent, SQSBatchResponse> handler;
    private long invocations;
    private long handlerErrors;

    public SqsDriver(SqsClient sqs, String queueUrl, int batchSize, Function<SQSEvent, SQSBatchResponse> handler) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        this.batchSize = batchSize;
        this.handler = handler;
    }

    /** Receives up to one batch (10 per receive call, as SQS allows, until the batch is full or nothing is visible). */
    public List<Message> receiveBatch() {
        return receive(sqs, queueUrl, batchSize);
    }

    public static List<Message> receive(SqsClient sqs, String queueUrl, int max) {
        // by message id: on a slow machine a message received early can become visible again and be
        // received a second time before the batch is full; a batch holds it once, with its newest
        // receipt handle (the only one SQS still accepts)
        Map<String, Message> batch = new LinkedHashMap<>();
        while (batch.size() < max) {
            int want = Math.min(10, max - batch.size());
            List<Message> got = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(want).waitTimeSeconds(0)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            int before = batch.size();
            got.forEach(m -> batch.put(m.messageId(), m));
            if (batch.size() == before) {
                break;
            }
        }
        return new ArrayList<>(batch.values());
    }

    /** One poll: receive a batch, invoke, delete what succeeded. Returns how many messages were handled. */
    public int pollOnce() {
        List<Message> batch = receiveBatch();
        if (batch.isEmpty()) {
            return 0;
        }
        invoke(batch);
        return batch.size();
    }

    /** Invokes the handler with these messages and deletes the ones that succeeded. */
    public Set<String> invoke(List<Message> batch) {
        invocations++;
        Set<String> failed = new HashSet<>();
        try {
            SQSBatchResponse response = handler.apply(event(batch, queueArn));
            if (response != null && response.getBatchItemFailures() != null) {
                response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
            }
        } catch (RuntimeException e) {
            handlerErrors++;
            batch.forEach(m -> failed.add(m.messageId()));
        }
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message m : batch) {
            if (!failed.contains(m.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size())).receiptHandle(m.receiptHandle()).build());
                if (done.size() == 10) {
                    delete(done);
                    done = new ArrayList<>();
                }
            }
        }
        if (!done.isEmpty()) {
            delete(done);
        }
        return failed;
    }

    private void delete(List<DeleteMessageBatchRequestEntry> entries) {
        var response = sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
        if (!response.failed().isEmpty()) {
            throw new IllegalStateException("SQS refused to delete " + response.failed());
        }
    }

    /** Polls until the queue holds nothing, visible or in flight (waiting out visibility timeouts). */
    public void drain(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            if (pollOnce() > 0) {
                continue;
            }
            if (Queues.depth(sqs, queueUrl) == 0) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("queue " + queueUrl + " did not drain within " + timeoutMillis + " ms");
            }
            sleep(100);
        }
    }

    public long invocations() {
        return invocations;
    }

    public long handlerErrors() {
        return handlerErrors;
    }

    /** The SQSEvent Lambda would build for these messages. */
    public static SQSEvent event(List<Message> messages, String queueArn) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
            r.setMessageId(m.messageId());
            r.setReceiptHandle(m.receiptHandle());
            r.setBody(m.body());
            r.setMd5OfBody(m.md5OfBody());
            Map<String, String> attributes = new LinkedHashMap<>();
            m.attributesAsStrings().forEach(attributes::put);
            r.setAttributes(attributes);
            r.setEventSource("aws:sqs");
            r.setEventSourceArn(queueArn);
            r.setAwsRegion("us-east-1");
            records.add(r);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package com.quiltdata.edp.processor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.quiltdata.edp.observe.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * SQS → ready batches processed, for container-image deployments. Each message succeeds or fails on
 * its own (partial batch response); the event source mapping needs {@code ReportBatchItemFailures}.
 * It only translates; {@link MessageProcessor} decides. Like every SQS handler it makes one
 * {@link Metrics} per invocation and flushes it once, whatever happens.
 */
public final class ProcessorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final MessageProcessor messages;
    private final Consumer<String> metricsSink;

    public ProcessorHandler() {
        this(ProcessorWiring.fromEnvironment().messages(), System.out::println);
    }

    ProcessorHandler(MessageProcessor messages, Consumer<String> metricsSink) {
        this.messages = messages;
        this.metricsSink = metricsSink;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Metrics metrics = new Metrics("processor", messages.clock(), metricsSink);
        try {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage message : event.getRecords() == null ? List.<SQSEvent.SQSMessage>of() : event.getRecords()) {
                String receiveCount = message.getAttributes() == null ? null : message.getAttributes().get("ApproximateReceiveCount");
                if (!messages.handle(message.getMessageId(), message.getBody(), receiveCount, metrics)) {
                    failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(message.getMessageId()).build());
                }
            }
            return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
        } finally {
            metrics.flush();
        }
    }
}

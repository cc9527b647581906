package com.quiltdata.edp.store;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.quiltdata.edp.observe.Metrics;
import java.util.List;
import java.util.function.Consumer;

/**
 * The store Lambda: an SQS batch of S3 EventBridge events in, batch item failures out. It only
 * translates; {@link ObjectEventRecorder} decides.
 */
public final class StoreHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final ObjectEventRecorder recorder;
    private final Consumer<String> metricsSink;

    /** Used by the Lambda runtime: configuration from the environment, validated here, at cold start. */
    public StoreHandler() {
        this(StoreWiring.fromEnvironment());
    }

    public StoreHandler(StoreWiring wiring) {
        this.recorder = wiring.recorder();
        this.metricsSink = wiring.metricsSink();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Metrics metrics = new Metrics("store", recorder.clock(), metricsSink);
        try {
            List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
            List<ObjectEventRecorder.Message> messages =
                    records.stream().map(m -> new ObjectEventRecorder.Message(m.getMessageId(), m.getBody())).toList();
            ObjectEventRecorder.Outcome outcome = recorder.record(messages, metrics);
            return SQSBatchResponse.builder()
                    .withBatchItemFailures(outcome.failedMessageIds().stream()
                            .map(id -> SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(id).build())
                            .toList())
                    .build();
        } finally {
            metrics.flush();
        }
    }
}

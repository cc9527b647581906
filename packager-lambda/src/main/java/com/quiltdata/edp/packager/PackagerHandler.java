package com.quiltdata.edp.packager;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.quiltdata.edp.observe.Metrics;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The packager Lambda: an SQS batch of package requests in, batch item failures out (partial batch
 * response). It only translates; {@link PackageMessages} decides.
 */
public final class PackagerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    /** Below this much remaining time a package is not started: it would likely be cut off mid-write. */
    public static final Duration START_MARGIN = PackageMessages.START_MARGIN;

    private final PackageMessages messages;
    private final Consumer<String> metricsSink;

    public PackagerHandler() {
        this(PackagerWiring.fromEnvironment(), System.out::println);
    }

    PackagerHandler(PackagerWiring wiring, Consumer<String> metricsSink) {
        this.messages = wiring.messages();
        this.metricsSink = metricsSink;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Metrics metrics = new Metrics("packager", messages.clock(), metricsSink);
        try {
            List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
            LongSupplier remaining = context == null ? PackageMessages.NO_DEADLINE : context::getRemainingTimeInMillis;
            List<String> failed = messages.handle(records.stream()
                    .map(m -> new PackageMessages.Message(m.getMessageId(), m.getBody(), receiveCount(m)))
                    .toList(), remaining, metrics);
            return SQSBatchResponse.builder().withBatchItemFailures(failed.stream()
                    .map(id -> SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(id).build())
                    .toList()).build();
        } finally {
            metrics.flush();
        }
    }

    private static String receiveCount(SQSEvent.SQSMessage message) {
        return message.getAttributes() == null ? null : message.getAttributes().get("ApproximateReceiveCount");
    }
}

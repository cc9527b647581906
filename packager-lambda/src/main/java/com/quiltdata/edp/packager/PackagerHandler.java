package com.quiltdata.edp.packager;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.domain.ParsedMessage;
import com.quiltdata.edp.packager.domain.RequestParser;
import com.quiltdata.edp.packager.domain.WorkflowRejectedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * SQS → packages. Each message succeeds or fails on its own (partial batch response): a message
 * that can never succeed is logged at ERROR and notified on SNS (on its first delivery), then
 * reported failed so that the queue's redrive moves it to the DLQ; any other failure is retried.
 * A message is started only while the invocation has {@link #START_MARGIN} left; the rest are
 * reported failed unstarted, so a slow one never makes the invocation time out on finished work.
 */
public final class PackagerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Log LOG = Log.of("packager");
    /** Below this much remaining time a package is not started: it would likely be cut off mid-write. */
    public static final Duration START_MARGIN = Duration.ofSeconds(60);

    private final PackagerWiring wiring;
    private final Consumer<String> metricsSink;

    public PackagerHandler() {
        this(PackagerWiring.fromEnvironment(), System.out::println);
    }

    PackagerHandler(PackagerWiring wiring, Consumer<String> metricsSink) {
        this.wiring = wiring;
        this.metricsSink = metricsSink;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Metrics metrics = new Metrics("packager", wiring.clock(), metricsSink);
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
        for (int i = 0; i < records.size(); i++) {
            SQSEvent.SQSMessage message = records.get(i);
            if (context != null && context.getRemainingTimeInMillis() < START_MARGIN.toMillis()) {
                List<String> unstarted = records.subList(i, records.size()).stream().map(SQSEvent.SQSMessage::getMessageId).toList();
                LOG.warn("too little time left to start another package; the rest go back to the queue", "remainingMs",
                        context.getRemainingTimeInMillis(), "unstarted", unstarted);
                unstarted.forEach(id -> failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(id).build()));
                break;
            }
            long start = wiring.clock().millis();
            if (!handle(message, metrics)) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(message.getMessageId()).build());
            }
            metrics.millis("PackagerDurationMs", wiring.clock().millis() - start);
        }
        metrics.flush();
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /** True when the message is done with (packaged, unchanged or nothing to do). */
    private boolean handle(SQSEvent.SQSMessage message, Metrics metrics) {
        String id = message.getMessageId();
        String receiveCount = message.getAttributes() == null ? null : message.getAttributes().get("ApproximateReceiveCount");
        ParsedMessage parsed = null;
        try {
            parsed = wiring.automaticPackages().apply(RequestParser.parse(message.getBody()));
            if (parsed.request().isEmpty()) {
                LOG.info("nothing to package", "messageId", id, "form", parsed.form(), "reason", parsed.ignoredBecause());
                return true;
            }
            var request = parsed.request().get();
            PackageOutcome outcome = wiring.packagePrefix().run(request);
            metrics.count(outcome.kind() == PackageOutcome.Kind.CREATED ? "PackagesCreated" : "PackagesUnchanged", 1);
            LOG.info(outcome.kind() == PackageOutcome.Kind.CREATED ? "package created" : "package unchanged",
                    "messageId", id, "form", parsed.form(), "registry", outcome.registry(), "package", outcome.name().toString(),
                    "topHash", outcome.topHash(), "objects", outcome.objects(), "source", request.sourceUri(),
                    "detail", outcome.detail());
            return true;
        } catch (RejectedException e) {
            metrics.count("PackagesFailed", 1);
            String name = parsed == null || parsed.request().isEmpty() ? null : parsed.request().get().name().toString();
            String source = parsed == null || parsed.request().isEmpty() ? null : parsed.request().get().sourceUri();
            LOG.error("package request rejected; it goes to the DLQ after the queue's retries", "messageId", id,
                    "receiveCount", receiveCount, "package", name, "source", source, "reason", e.getMessage());
            if (receiveCount == null || receiveCount.equals("1")) {
                notifyFailure(id, e, name, source);
            }
            return false;
        } catch (RuntimeException e) {
            metrics.count("PackagesFailed", 1);
            LOG.warn("package request failed; will retry", "messageId", id, "receiveCount", receiveCount,
                    "error", e.getClass().getSimpleName() + ": " + e.getMessage());
            return false;
        }
    }

    private void notifyFailure(String messageId, RejectedException e, String name, String source) {
        String workflow = e instanceof WorkflowRejectedException w ? w.workflow() : null;
        List<String> errors = e instanceof WorkflowRejectedException w ? w.errors() : List.of();
        try {
            wiring.notifier().packageFailed(new Notifier.Failure(source, name, e.getMessage(), workflow, errors));
        } catch (RuntimeException notifyFailure) {
            LOG.warn("could not publish the failure notification", "messageId", messageId, "error", notifyFailure.getMessage());
        }
    }
}

package com.quiltdata.edp.packager;

import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.packager.domain.AutomaticPackages;
import com.quiltdata.edp.packager.domain.Continuation;
import com.quiltdata.edp.packager.domain.PackageRequest;
import com.quiltdata.edp.packager.domain.ParsedMessage;
import com.quiltdata.edp.packager.domain.RegistryPointer;
import com.quiltdata.edp.packager.domain.RegistryPointerForm;
import com.quiltdata.edp.packager.domain.RequestParser;
import com.quiltdata.edp.packager.domain.WorkflowRejectedException;
import com.quiltdata.edp.packager.port.ContinuationQueue;
import com.quiltdata.edp.packager.port.Notifier;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Queue messages → packages, whoever received them. Each message succeeds or fails on its own: a
 * message that can never succeed is logged at ERROR and notified (on its first delivery), then
 * failed so that the queue's redrive moves it to the DLQ; any other failure is retried. A message is
 * started only while {@link #START_MARGIN} is left; the rest are failed unstarted, so a slow one
 * never makes the invocation time out on finished work.
 */
public final class PackageMessages {
    private static final Log LOG = Log.of("packager");
    /** Below this much remaining time a package is not started: it would likely be cut off mid-write. */
    public static final Duration START_MARGIN = Duration.ofSeconds(60);
    /** For a receiver with no deadline. */
    public static final LongSupplier NO_DEADLINE = () -> Long.MAX_VALUE;

    /** @param receiveCount how many times the queue has delivered it, or null when unknown (taken as the first) */
    public record Message(String id, String body, String receiveCount) {}

    private final PackagePrefix packagePrefix;
    private final Notifier notifier;
    private final AutomaticPackages automaticPackages;
    private final Clock clock;
    private final RecordRegistryRevision registryRevisions;
    private final Optional<ContinuationQueue> queue;
    private final Duration checkpointMargin;

    public PackageMessages(PackagePrefix packagePrefix, Notifier notifier, AutomaticPackages automaticPackages, Clock clock) {
        this(packagePrefix, notifier, automaticPackages, clock, Optional.empty(), Duration.ZERO);
    }

    /**
     * @param queue            the packager's own queue, where a package that runs out of time goes on (ADR 0114);
     *                         empty: every package runs to its end in one invocation
     * @param checkpointMargin objects stop being handed out when less than this is left of the invocation
     */
    public PackageMessages(PackagePrefix packagePrefix, Notifier notifier, AutomaticPackages automaticPackages, Clock clock,
            Optional<ContinuationQueue> queue, Duration checkpointMargin) {
        this.queue = queue;
        this.checkpointMargin = checkpointMargin;
        this.packagePrefix = packagePrefix;
        this.registryRevisions = packagePrefix.registryRevisions();
        this.notifier = notifier;
        this.automaticPackages = automaticPackages;
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * @param remainingMillis the time left before the receiver is cut off
     * @return the ids of the messages to leave on the queue (retried, or moved to the DLQ by its redrive)
     */
    public List<String> handle(List<Message> messages, LongSupplier remainingMillis, Metrics metrics) {
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            long remaining = remainingMillis.getAsLong();
            if (remaining < START_MARGIN.toMillis()) {
                List<String> unstarted = messages.subList(i, messages.size()).stream().map(Message::id).toList();
                LOG.warn("too little time left to start another package; the rest go back to the queue", "remainingMs",
                        remaining, "unstarted", unstarted);
                failed.addAll(unstarted);
                break;
            }
            long start = clock.millis();
            if (!handle(messages.get(i), remainingMillis, metrics)) {
                failed.add(messages.get(i).id());
            }
            metrics.millis("PackagerDurationMs", clock.millis() - start);
        }
        return failed;
    }

    boolean handle(Message message, Metrics metrics) {
        return handle(message, NO_DEADLINE, metrics);
    }

    /** True when the message is done with (packaged, unchanged, continued in another message, or nothing to do). */
    boolean handle(Message message, LongSupplier remainingMillis, Metrics metrics) {
        String id = message.id();
        String receiveCount = message.receiveCount();
        ParsedMessage parsed = null;
        try {
            parsed = automaticPackages.apply(RequestParser.parse(message.body()));
            if (parsed.pointer().isPresent()) {
                return recordRegistryRevision(id, parsed.pointer().get(), metrics);
            }
            if (parsed.request().isEmpty()) {
                LOG.info("nothing to package", "messageId", id, "form", parsed.form(), "reason", parsed.ignoredBecause());
                return true;
            }
            var request = parsed.request().get();
            PackageOutcome outcome = packagePrefix.run(request, automaticPackages.defaultsFor(parsed),
                    continuing(message, remainingMillis));
            metrics.count(switch (outcome.kind()) {
                case CREATED -> "PackagesCreated";
                case UNCHANGED -> "PackagesUnchanged";
                case CONTINUED -> "PackagesContinued";
            }, 1);
            LOG.info("package " + outcome.kind().name().toLowerCase(Locale.ROOT),
                    "messageId", id, "form", parsed.form(), "registry", outcome.registry(), "package", outcome.name().toString(),
                    "topHash", outcome.topHash(), "objects", outcome.objects(), "source", request.sourceUri(),
                    "detail", outcome.detail());
            return true;
        } catch (RejectedException e) {
            metrics.count("PackagesFailed", 1);
            String name = nameOf(parsed);
            String source = sourceOf(parsed);
            LOG.error("package request rejected; it goes to the DLQ after the queue's retries", "messageId", id,
                    "receiveCount", receiveCount, "package", name, "source", source, "reason", e.getMessage());
            // the queue delivers a rejected message again until its redrive limit: one notice is enough
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

    /**
     * How this message's package may go on in another invocation: from the continuation the message
     * carries, or as a new run named after the message (a redelivery finds the same run). The
     * continuation is sent with the body as received plus its field, so it parses to the same request.
     */
    private Continuing continuing(Message message, LongSupplier remainingMillis) {
        if (queue.isEmpty()) {
            return Continuing.NEVER;
        }
        Continuation at = Continuation.in(message.body()).orElseGet(() -> Continuation.start(message.id()));
        return new Continuing(at, message.id(), remainingMillis, checkpointMargin,
                Optional.of(next -> queue.get().send(next.addTo(message.body()))));
    }

    private static String nameOf(ParsedMessage parsed) {
        if (parsed == null) {
            return null;
        }
        return parsed.request().map(r -> r.name().toString()).or(() -> parsed.pointer().map(p -> p.name().toString())).orElse(null);
    }

    private static String sourceOf(ParsedMessage parsed) {
        if (parsed == null) {
            return null;
        }
        return parsed.request().map(PackageRequest::sourceUri).or(() -> parsed.pointer().map(p -> p.location().toUrl())).orElse(null);
    }

    /** A revision written to a registry (by anyone): recorded once, for package-ready; never packaged (ADR 0111). */
    private boolean recordRegistryRevision(String messageId, RegistryPointer pointer, Metrics metrics) {
        RecordRegistryRevision.Outcome outcome = registryRevisions.run(pointer);
        if (outcome.kind() == RecordRegistryRevision.Outcome.Kind.RECORDED) {
            metrics.count("RegistryRevisionsRecorded", 1);
        }
        LOG.info("registry revision " + outcome.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                "messageId", messageId, "form", RegistryPointerForm.FORM, "registry", pointer.registry(),
                "package", pointer.name().toString(), "pointer", pointer.key(), "topHash", outcome.topHash(),
                "detail", outcome.detail());
        return true;
    }

    private void notifyFailure(String messageId, RejectedException e, String name, String source) {
        String workflow = e instanceof WorkflowRejectedException w ? w.workflow() : null;
        List<String> errors = e instanceof WorkflowRejectedException w ? w.errors() : List.of();
        try {
            notifier.packageFailed(new Notifier.Failure(source, name, e.getMessage(), workflow, errors));
        } catch (RuntimeException notifyFailure) {
            LOG.warn("could not publish the failure notification", "messageId", messageId, "error", notifyFailure.getMessage());
        }
    }
}

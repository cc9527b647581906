package com.quiltdata.edp.store;

import com.quiltdata.edp.store.domain.ReadyOnCommit;
import com.quiltdata.edp.store.domain.S3EventMessage;
import com.quiltdata.edp.store.port.ImmediateAnnouncer;
import com.quiltdata.edp.store.port.ObjectEventStore;
import com.quiltdata.edp.config.BucketSettings;
import com.quiltdata.edp.domain.ObjectEvent;
import com.quiltdata.edp.domain.Placement;
import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.observe.Metrics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The store use case for one SQS batch: validate and place every message, record the placeable
 * events in one go, and say which messages failed. A malformed message fails alone; so does an
 * event the store refuses, found by halving the batch (ADR 0008). A store failure fails every
 * message that carried an event, so SQS retries them.
 *
 * <p>When its commits made a batch ready by count or sentinel, it asks the emit function for one
 * tick now, once per SQS batch, after everything committed (ADR 0207); a failed request is logged
 * and counted, and the scheduled tick announces the batch instead.
 */
public final class ObjectEventRecorder {
    private static final Log LOG = Log.of("store");

    private final BucketSettings settings;
    private final ObjectEventStore store;
    private final Clock clock;
    private final Optional<ImmediateTick> immediateTick;

    /** What it takes to announce on the commit that made a batch ready: the rule, and whom to ask. */
    public record ImmediateTick(ReadyOnCommit rule, ImmediateAnnouncer announcer) {}

    public ObjectEventRecorder(BucketSettings settings, ObjectEventStore store, Clock clock) {
        this(settings, store, clock, Optional.empty());
    }

    public ObjectEventRecorder(BucketSettings settings, ObjectEventStore store, Clock clock, Optional<ImmediateTick> immediateTick) {
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.immediateTick = immediateTick;
    }

    public Clock clock() {
        return clock;
    }

    /** One SQS message: its id and its body. */
    public record Message(String messageId, String body) {}

    /** The message ids to report as batch item failures, and what was recorded. */
    public record Outcome(List<String> failedMessageIds, ObjectEventStore.Recorded recorded, int ignored) {}

    /** @param metrics the receiver's, flushed by it once per invocation */
    public Outcome record(List<Message> messages, Metrics metrics) {
        Instant arrivedAt = clock.instant();
        Set<String> failed = new LinkedHashSet<>();
        List<Carried> placed = new ArrayList<>();
        int ignored = 0;
        for (Message message : messages) {
            S3EventMessage.Parsed parsed = S3EventMessage.parse(message.body());
            if (parsed instanceof S3EventMessage.Parsed.Invalid invalid) {
                reject(failed, message.messageId(), invalid.reason());
            } else if (parsed instanceof S3EventMessage.Parsed.Ignored skip) {
                ignored++;
                LOG.info("message ignored", "messageId", message.messageId(), "reason", skip.reason());
            } else if (parsed instanceof S3EventMessage.Parsed.Event e) {
                ObjectEvent event = e.event();
                if (!settings.monitors(event.bucket())) {
                    reject(failed, message.messageId(), "bucket " + Bounded.quoted(event.bucket()) + " is not monitored (BUCKET_NAMES="
                            + String.join(",", settings.bucketNames()) + ")");
                    continue;
                }
                Placement placement = settings.prefixRule().place(event.key());
                if (placement instanceof Placement.InPrefix in) {
                    placed.add(new Carried(message.messageId(), new ObjectEventStore.PlacedEvent(event, in.prefix())));
                } else {
                    ignored++;
                    LOG.info("key ignored", "messageId", message.messageId(), "bucket", event.bucket(), "key", event.key(),
                            "reason", ((Placement.Ignored) placement).reason().name().toLowerCase());
                }
            }
        }
        Attempts attempts = new Attempts(failed);
        if (!placed.isEmpty()) {
            recordIsolatingRefused(placed, arrivedAt, attempts);
        }
        ObjectEventStore.Recorded recorded = attempts.recorded;
        int madeReady = immediateTick.map(t -> t.rule().countMadeReady(recorded.grown())).orElse(0);
        if (madeReady > 0) {
            requestTick(immediateTick.get().announcer(), madeReady, metrics);
        }
        metrics.count("EventsStored", recorded.stored())
                .count("EventsDuplicate", recorded.duplicates())
                .count("EventsStale", recorded.stale())
                .count("EventsIgnored", ignored)
                .count("MessagesFailed", failed.size());
        LOG.info("batch recorded", "messages", messages.size(), "stored", recorded.stored(), "duplicates", recorded.duplicates(),
                "stale", recorded.stale(), "ignored", ignored, "failed", failed.size(), "batches", recorded.batchesTouched(),
                "made_ready", madeReady);
        return new Outcome(List.copyOf(failed), recorded, ignored);
    }

    /** One request per SQS batch, however many batches became ready: the tick takes them all. */
    private void requestTick(ImmediateAnnouncer announcer, int madeReady, Metrics metrics) {
        try {
            announcer.requestTick();
            metrics.count("ImmediateTicksRequested", 1);
        } catch (RuntimeException e) { // the events are committed: nothing about the request may fail their messages
            metrics.count("ImmediateTickFailures", 1);
            LOG.warn("could not ask for an immediate tick; the scheduled tick will announce", "made_ready", madeReady,
                    "reason", Bounded.text(e.getMessage()));
        }
    }

    /** An event and the message that carried it. */
    private record Carried(String messageId, ObjectEventStore.PlacedEvent event) {}

    /** What the store calls of one SQS batch have recorded so far, and whether the store is reachable. */
    private static final class Attempts {
        final Set<String> failed;
        ObjectEventStore.Recorded recorded = new ObjectEventStore.Recorded(0, 0, 0, 0);
        boolean storeUnavailable;

        Attempts(Set<String> failed) {
            this.failed = failed;
        }

        void add(ObjectEventStore.Recorded r) {
            recorded = recorded.plus(r);
        }
    }

    /**
     * Records the events in one store call. When the store refuses the data of some event, each
     * half is recorded on its own, down to the single events it refuses, so the others commit and
     * only the refused ones fail: k refused events among n cost about 2k log2(n) store calls.
     * Once the store is unavailable, what is left is failed without trying.
     */
    private void recordIsolatingRefused(List<Carried> events, Instant arrivedAt, Attempts attempts) {
        List<String> carriers = events.stream().map(Carried::messageId).toList();
        if (attempts.storeUnavailable) {
            attempts.failed.addAll(carriers);
            return;
        }
        try {
            attempts.add(store.record(events.stream().map(Carried::event).toList(), arrivedAt));
        } catch (ObjectEventStore.StoreUnavailableException ex) {
            LOG.error("batch not recorded, messages will be retried", "messages", carriers.size(), "reason", ex.getMessage());
            attempts.storeUnavailable = true;
            attempts.failed.addAll(carriers);
        } catch (ObjectEventStore.EventsRefusedException ex) {
            if (events.size() == 1) {
                reject(attempts.failed, carriers.get(0), "the database refused the event: " + ex.getMessage());
                return;
            }
            LOG.warn("the database refused an event, recording the batch in halves to find it", "messages", carriers.size(),
                    "reason", ex.getMessage());
            int half = events.size() / 2;
            recordIsolatingRefused(events.subList(0, half), arrivedAt, attempts);
            recordIsolatingRefused(events.subList(half, events.size()), arrivedAt, attempts);
        }
    }

    private static void reject(Set<String> failed, String messageId, String reason) {
        LOG.warn("message rejected", "messageId", messageId, "reason", reason);
        failed.add(messageId);
    }
}

package com.quiltdata.edp.emit;

import com.quiltdata.edp.emit.domain.BatchObject;
import com.quiltdata.edp.emit.domain.OpenBatch;
import com.quiltdata.edp.emit.domain.PackageObjectsReady;
import com.quiltdata.edp.emit.domain.ReadinessRules;
import com.quiltdata.edp.emit.domain.ReadinessRules.Conditions;
import com.quiltdata.edp.emit.domain.Trigger;
import com.quiltdata.edp.emit.port.BatchClaim;
import com.quiltdata.edp.emit.port.BatchClaim.Fired;
import com.quiltdata.edp.emit.port.BatchRepository;
import com.quiltdata.edp.emit.port.BatchRepository.DueQuery;
import com.quiltdata.edp.emit.port.BatchRepository.ManualClaim;
import com.quiltdata.edp.emit.port.EventPublisher;
import com.quiltdata.edp.emit.port.PublishResult;
import com.quiltdata.edp.emit.port.ReadyFilter;
import com.quiltdata.edp.observe.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The use case of one tick: find the open batches that are ready and publish exactly one
 * {@code package-objects-ready} event for each.
 *
 * <p>The tick lists the due batches once, then works in rounds. Each round claims up to
 * {@code roundSize} of them in one transaction ({@code FOR UPDATE SKIP LOCKED}, re-checking that
 * they are still open and due, so a concurrent tick takes other batches), decides their trigger,
 * publishes them a slice at a time, marks the published ones emitted and commits. Batches whose
 * entries failed stay open and due for the next tick; a crash before the commit leaves every
 * claimed batch open, to be published again with the same batch id. The tick stops before the
 * deadline, between two PutEvents calls, so nothing is ever half-marked.
 */
public final class ReadyBatchEmitter {
    /** Entries per PutEvents call; the publisher also enforces the bus's own limits. */
    static final int SLICE = 10;

    private static final Log LOG = Log.of("emit");

    private final BatchRepository batches;
    private final EventPublisher publisher;
    private final ReadinessRules rules;
    private final Optional<ReadyFilter> filter;
    private final Clock clock;
    private final Duration reserve;
    private final int roundSize;

    /**
     * @param reserve time kept back from the deadline: enough for one PutEvents call and a commit
     * @param roundSize batches claimed (and locked) per transaction
     */
    public ReadyBatchEmitter(BatchRepository batches, EventPublisher publisher, ReadinessRules rules,
            Optional<ReadyFilter> filter, Clock clock, Duration reserve, int roundSize) {
        if (roundSize < 1) {
            throw new IllegalArgumentException("round size must be at least 1, got " + roundSize);
        }
        this.batches = batches;
        this.publisher = publisher;
        this.rules = rules;
        this.filter = filter;
        this.clock = clock;
        this.reserve = reserve;
        this.roundSize = roundSize;
    }

    public ReadinessRules rules() {
        return rules;
    }

    /** Emits every due batch that fits before the deadline. */
    public EmitSummary emitDue(Deadline deadline) {
        Instant now = clock.instant();
        Tally tally = new Tally(now);
        if (outOfTime(deadline)) {
            tally.stoppedEarly = true;
            return tally.summary();
        }
        DueQuery query = new DueQuery(now, rules, filter.map(ReadyFilter::expression));
        List<UUID> due = batches.findDue(query);
        for (int from = 0; from < due.size(); from += roundSize) {
            if (outOfTime(deadline)) {
                tally.stoppedEarly = true;
                break;
            }
            try (BatchClaim claim = batches.claim(due.subList(from, Math.min(due.size(), from + roundSize)), query)) {
                List<OpenBatch> claimed = claim.batches();
                if (claimed.isEmpty()) {
                    continue;
                }
                List<Decided> ready = decide(claim, claimed, now, tally);
                List<Decided> published = publish(ready, deadline, tally);
                claim.markEmitted(published.stream().map(d -> new Fired(d.batch.batchId(), d.trigger)).toList(), clock.instant());
                claim.commit();
                for (Decided d : published) {
                    tally.emitted(d, rules.readySince(d.batch, d.trigger));
                    LOG.info("emitted", "bucket", d.batch.bucket(), "prefix", d.batch.prefix(), "batch_id", d.batch.batchId().toString(),
                            "trigger", d.trigger.wireName(), "objects", d.batch.objectCount(), "deleted", d.batch.deletedCount());
                }
            }
            if (tally.interrupted || tally.stoppedEarly) {
                break;
            }
        }
        return tally.summary();
    }

    /**
     * Fires the open batch of one prefix now, with trigger {@code manual}, whatever the rules and
     * the filter say (the operator's {@code edp flush}).
     */
    public FlushOutcome flush(String bucket, String prefix) {
        try (ManualClaim manual = batches.claimOpen(bucket, prefix)) {
            if (manual instanceof ManualClaim.NoneOpen) {
                LOG.info("flush found no open batch", "bucket", bucket, "prefix", prefix);
                return new FlushOutcome(FlushOutcome.Status.NONE_OPEN, Optional.empty(), "no open batch");
            }
            if (manual instanceof ManualClaim.Busy) {
                LOG.info("flush found the batch locked by a running tick", "bucket", bucket, "prefix", prefix);
                return new FlushOutcome(FlushOutcome.Status.BUSY, Optional.empty(), "the open batch is being emitted by a tick");
            }
            BatchClaim claim = ((ManualClaim.Claimed) manual).claim();
            OpenBatch batch = claim.batches().get(0);
            PublishResult<PackageObjectsReady> result = publisher.publish(List.of(PackageObjectsReady.of(batch, Trigger.MANUAL)));
            if (result.published().isEmpty()) {
                PublishResult.Failure<PackageObjectsReady> failure = result.failed().get(0);
                LOG.warn("flush publish failed", "bucket", bucket, "prefix", prefix, "batch_id", batch.batchId().toString(),
                        "code", failure.code(), "reason", failure.message());
                return new FlushOutcome(FlushOutcome.Status.PUBLISH_FAILED, Optional.of(batch.batchId()),
                        failure.code() + ": " + failure.message());
            }
            claim.markEmitted(List.of(new Fired(batch.batchId(), Trigger.MANUAL)), clock.instant());
            claim.commit();
            LOG.info("emitted", "bucket", bucket, "prefix", prefix, "batch_id", batch.batchId().toString(),
                    "trigger", Trigger.MANUAL.wireName(), "objects", batch.objectCount(), "deleted", batch.deletedCount());
            return new FlushOutcome(FlushOutcome.Status.EMITTED, Optional.of(batch.batchId()), "emitted");
        }
    }

    private record Decided(OpenBatch batch, Trigger trigger) {}

    private List<Decided> decide(BatchClaim claim, List<OpenBatch> due, Instant now, Tally tally) {
        Map<UUID, Conditions> conditions = new HashMap<>();
        List<UUID> needFilter = new ArrayList<>();
        for (OpenBatch batch : due) {
            Conditions c = rules.conditionsOf(batch, now);
            conditions.put(batch.batchId(), c);
            if (filter.isPresent() && c.filtered().isPresent()) {
                needFilter.add(batch.batchId());
            }
        }
        Map<UUID, List<BatchObject>> objects = needFilter.isEmpty() ? Map.of() : claim.objectsOf(needFilter);

        List<Decided> ready = new ArrayList<>();
        for (OpenBatch batch : due) {
            Conditions c = conditions.get(batch.batchId());
            Optional<Trigger> filtered = c.filtered();
            if (filtered.isEmpty()) {
                if (c.maxAge()) {
                    ready.add(new Decided(batch, Trigger.MAX_AGE));
                }
                continue;
            }
            if (filter.isEmpty()) {
                ready.add(new Decided(batch, filtered.get()));
                continue;
            }
            ReadyFilter.Verdict verdict = filter.get().evaluate(objects.getOrDefault(batch.batchId(), List.of()));
            if (verdict.ready()) {
                ready.add(new Decided(batch, filtered.get()));
            } else if (c.maxAge()) {
                ready.add(new Decided(batch, Trigger.MAX_AGE));
            } else {
                tally.held++;
                boolean first = claim.hold(batch, filter.get().expression(), verdict.reason(), now);
                if (first) {
                    Object[] fields = {"bucket", batch.bucket(), "prefix", batch.prefix(), "batch_id", batch.batchId().toString(),
                        "would_trigger", filtered.get().wireName(), "reason", verdict.reason()};
                    if (verdict.error()) {
                        LOG.warn("ready filter failed; batch held", fields);
                    } else {
                        LOG.info("ready filter held batch", fields);
                    }
                }
            }
        }
        return ready;
    }

    private List<Decided> publish(List<Decided> ready, Deadline deadline, Tally tally) {
        List<Decided> published = new ArrayList<>();
        for (int from = 0; from < ready.size(); from += SLICE) {
            if (outOfTime(deadline)) {
                tally.stoppedEarly = true;
                break;
            }
            List<Decided> slice = ready.subList(from, Math.min(ready.size(), from + SLICE));
            Map<UUID, Decided> byId = new HashMap<>();
            List<PackageObjectsReady> events = new ArrayList<>();
            for (Decided d : slice) {
                byId.put(d.batch.batchId(), d);
                events.add(PackageObjectsReady.of(d.batch, d.trigger));
            }
            PublishResult<PackageObjectsReady> result = publisher.publish(events);
            result.published().forEach(e -> published.add(byId.get(e.batchId())));
            for (PublishResult.Failure<PackageObjectsReady> f : result.failed()) {
                tally.failures++;
                LOG.warn("publish failed; batch stays due", "bucket", f.event().bucket(), "prefix", f.event().prefix(),
                        "batch_id", f.event().id(), "code", f.code(), "reason", f.message());
            }
            if (result.interrupted()) {
                tally.interrupted = true;
                break;
            }
        }
        return published;
    }

    private boolean outOfTime(Deadline deadline) {
        return deadline.remaining().compareTo(reserve) < 0;
    }

    /** The outcome of {@link #flush}. */
    public record FlushOutcome(Status status, Optional<UUID> batchId, String detail) {
        public enum Status { EMITTED, NONE_OPEN, BUSY, PUBLISH_FAILED }
    }

    /** What one tick of the emitter did. */
    public record EmitSummary(
            Map<Trigger, Integer> emittedByTrigger, int publishFailures, int held, boolean stoppedEarly,
            boolean interrupted, Optional<Duration> maxLag) {

        public int emitted() {
            return emittedByTrigger.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private static final class Tally {
        final Instant now;
        final Map<Trigger, Integer> emitted = new EnumMap<>(Trigger.class);
        int failures;
        int held;
        boolean stoppedEarly;
        boolean interrupted;
        Duration maxLag;

        Tally(Instant now) {
            this.now = now;
        }

        void emitted(Decided d, Instant readySince) {
            emitted.merge(d.trigger, 1, Integer::sum);
            Duration lag = Duration.between(readySince, now);
            if (lag.isNegative()) {
                lag = Duration.ZERO;
            }
            if (maxLag == null || lag.compareTo(maxLag) > 0) {
                maxLag = lag;
            }
        }

        EmitSummary summary() {
            return new EmitSummary(Map.copyOf(emitted), failures, held, stoppedEarly, interrupted, Optional.ofNullable(maxLag));
        }
    }
}

package com.quiltdata.edp.emit;

import com.quiltdata.edp.emit.domain.BatchObject;
import com.quiltdata.edp.emit.domain.OpenBatch;
import com.quiltdata.edp.emit.domain.PackageObjectsReady;
import com.quiltdata.edp.emit.domain.ReadinessRules;
import com.quiltdata.edp.emit.domain.ReadinessRules.Conditions;
import com.quiltdata.edp.emit.domain.ReadyBatch;
import com.quiltdata.edp.emit.domain.ThresholdRules;
import com.quiltdata.edp.emit.domain.Trigger;
import com.quiltdata.edp.emit.port.BatchClaim;
import com.quiltdata.edp.emit.port.BatchRepository;
import com.quiltdata.edp.emit.port.BatchRepository.DueQuery;
import com.quiltdata.edp.emit.port.EventPublisher;
import com.quiltdata.edp.emit.port.PublishResult;
import com.quiltdata.edp.emit.port.ReadyFilter;
import com.quiltdata.edp.emit.port.ThresholdSource;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The use case of one tick: find the open batches that are ready and publish exactly one
 * {@code package-objects-ready} content for each batch id.
 *
 * <p>The tick first announces again the batches an earlier invocation closed but did not finish
 * announcing. Then it lists the due batches once per distinct set of thresholds (the stack's, and
 * those of the rules file, ADR 0313), each over the batches those thresholds govern, and works in
 * rounds. Each round claims up to
 * {@code roundSize} of them in one transaction ({@code FOR UPDATE SKIP LOCKED}, re-checking that
 * they are still open and due, so a concurrent tick takes other batches), decides their trigger,
 * closes the ready ones to new objects and commits; only then does it publish them, a slice at a
 * time, and record the accepted ones as emitted (ADR 0205). A file arriving after the close opens
 * the prefix's next batch, so a batch id is published with one content whatever crashes where:
 * a crash after the close leaves the batch closed, and a later tick publishes the same content
 * again once the crashed invocation's lease has run out. The tick stops before the deadline,
 * between two PutEvents calls.
 *
 * <p>A round's PutEvents calls go out {@code callsAtOnce} at a time on a small pool (ADR 0208): a
 * call is a network round trip that costs the tick little CPU, so a wave of ready batches is
 * announced in a few round trips per hundred instead of ten. Each call's entries succeed or fail on
 * their own; a failed entry leaves its batch closed and unmarked for a later tick.
 */
public final class ReadyBatchEmitter {
    /** Entries per PutEvents call; the publisher also enforces the bus's own limits. */
    static final int SLICE = 10;
    /**
     * The longest a tick keeps other ticks off the batches it closed, when its own deadline is
     * further away (the operator's flush, {@code edp local}): ten PutEvents calls at the SDK's call
     * timeout fit in it. A tick that overruns it is only re-announced, with the same content.
     */
    public static final Duration MAX_LEASE = Duration.ofMinutes(2);

    private static final Log LOG = Log.of("emit");

    private final BatchRepository batches;
    private final EventPublisher publisher;
    private final ThresholdSource thresholds;
    private final Optional<ReadyFilter> filter;
    private final Clock clock;
    private final Duration reserve;
    private final int roundSize;
    private final Executor publishPool;
    private final int callsAtOnce;

    /**
     * @param reserve time kept back from the deadline: enough for one PutEvents call and a commit
     * @param roundSize batches claimed (and locked) per transaction
     */
    public ReadyBatchEmitter(BatchRepository batches, EventPublisher publisher, ReadinessRules rules,
            Optional<ReadyFilter> filter, Clock clock, Duration reserve, int roundSize) {
        this(batches, publisher, ThresholdSource.fixed(ThresholdRules.defaultsOnly(rules)), filter, clock, reserve, roundSize);
    }

    /** With thresholds per bucket or prefix, read from {@code thresholds} at the start of every tick (ADR 0313). */
    public ReadyBatchEmitter(BatchRepository batches, EventPublisher publisher, ThresholdSource thresholds,
            Optional<ReadyFilter> filter, Clock clock, Duration reserve, int roundSize) {
        this(batches, publisher, thresholds, filter, clock, reserve, roundSize, Runnable::run, 1);
    }

    /**
     * @param publishPool runs the PutEvents calls of a round; its threads only wait for the bus
     * @param callsAtOnce PutEvents calls in flight at once (at most the pool's threads); each wave of
     *                    calls ends within one SDK call timeout, which the deadline reserve covers
     */
    public ReadyBatchEmitter(BatchRepository batches, EventPublisher publisher, ThresholdSource thresholds,
            Optional<ReadyFilter> filter, Clock clock, Duration reserve, int roundSize, Executor publishPool, int callsAtOnce) {
        if (roundSize < 1) {
            throw new IllegalArgumentException("round size must be at least 1, got " + roundSize);
        }
        if (callsAtOnce < 1) {
            throw new IllegalArgumentException("PutEvents calls at once must be at least 1, got " + callsAtOnce);
        }
        this.publishPool = publishPool;
        this.callsAtOnce = callsAtOnce;
        this.batches = batches;
        this.publisher = publisher;
        this.thresholds = thresholds;
        this.filter = filter;
        this.clock = clock;
        this.reserve = reserve;
        this.roundSize = roundSize;
    }

    /** The stack's default rules (those of batches no scope of the rules file covers). */
    public ReadinessRules rules() {
        return thresholds.current().defaults();
    }

    /** Emits every due batch that fits before the deadline. */
    public EmitSummary emitDue(Deadline deadline) {
        Instant now = clock.instant();
        Tally tally = new Tally(now);
        if (outOfTime(deadline)) {
            tally.stoppedEarly = true;
            return tally.summary();
        }
        ThresholdRules rules = thresholds.current();
        tally.rules = rules;
        // the lease ends with this invocation: no other tick publishes what it closed while it may still run
        Instant lease = now.plus(min(deadline.remaining(), MAX_LEASE));
        announceUnfinished(now, lease, deadline, tally);
        if (tally.interrupted || tally.stoppedEarly) {
            return tally.summary();
        }
        // one due query per distinct set of rules, each over the batches those rules govern
        for (int group = 0; group < rules.groups().size(); group++) {
            ThresholdRules.ScopeSelection scope = rules.selection(group);
            DueQuery query = new DueQuery(now, rules.groups().get(group), filter.map(ReadyFilter::expression),
                    scope.selectsEverything() ? Optional.empty() : Optional.of(scope));
            emitRounds(query, deadline, lease, tally);
            if (tally.interrupted || tally.stoppedEarly) {
                break;
            }
        }
        return tally.summary();
    }

    /** Claims, closes and announces the batches the query finds due, a round at a time. */
    private void emitRounds(DueQuery query, Deadline deadline, Instant lease, Tally tally) {
        Instant now = query.now();
        List<UUID> due = batches.findDue(query);
        for (int from = 0; from < due.size(); from += roundSize) {
            if (outOfTime(deadline)) {
                tally.stoppedEarly = true;
                break;
            }
            List<ReadyBatch> ready;
            try (BatchClaim claim = batches.claim(due.subList(from, Math.min(due.size(), from + roundSize)), query)) {
                List<OpenBatch> claimed = claim.batches();
                if (claimed.isEmpty()) {
                    continue;
                }
                ready = decide(claim, claimed, query.rules(), now, tally);
                claim.closeForAnnouncement(ready, clock.instant(), lease);
                claim.commit();
            }
            announce(ready, deadline, lease, tally);
            if (tally.interrupted || tally.stoppedEarly) {
                break;
            }
        }
    }

    /**
     * Publishes again, with their recorded content, the batches closed by an invocation that did
     * not confirm them (it crashed or timed out after its lease, or the bus refused the entry).
     * Stops at the first round with a failure, so a refused entry waits for the next tick.
     */
    private void announceUnfinished(Instant now, Instant lease, Deadline deadline, Tally tally) {
        while (!outOfTime(deadline)) {
            List<ReadyBatch> unfinished = batches.takeOverClosed(now, lease, roundSize);
            for (ReadyBatch r : unfinished) {
                LOG.warn("announcing a closed batch again", "bucket", r.batch().bucket(), "prefix", r.batch().prefix(),
                        "batch_id", r.batch().batchId().toString(), "trigger", r.trigger().wireName());
            }
            int failuresBefore = tally.failures;
            tally.republished += announce(unfinished, deadline, lease, tally).size();
            if (unfinished.size() < roundSize || tally.failures > failuresBefore || tally.interrupted || tally.stoppedEarly) {
                return;
            }
        }
        tally.stoppedEarly = true;
    }

    /** Publishes closed batches and records which the bus accepted; returns those. */
    private List<ReadyBatch> announce(List<ReadyBatch> ready, Deadline deadline, Instant lease, Tally tally) {
        if (ready.isEmpty()) {
            return ready;
        }
        List<ReadyBatch> published = publish(ready, deadline, tally);
        List<UUID> announced = published.stream().map(r -> r.batch().batchId()).toList();
        Set<UUID> accepted = Set.copyOf(announced);
        List<UUID> notAnnounced = ready.stream().map(r -> r.batch().batchId()).filter(id -> !accepted.contains(id)).toList();
        batches.finishAnnouncing(announced, notAnnounced, clock.instant(), lease);
        Instant announcedAt = clock.instant();
        for (ReadyBatch r : published) {
            tally.emitted(r, tally.rules.rulesFor(r.batch().bucket(), r.batch().prefix()).readySince(r.batch(), r.trigger()),
                    announcedAt);
            LOG.info("emitted", "bucket", r.batch().bucket(), "prefix", r.batch().prefix(), "batch_id", r.batch().batchId().toString(),
                    "trigger", r.trigger().wireName(), "objects", r.batch().objectCount(), "deleted", r.batch().deletedCount());
        }
        return published;
    }

    private List<ReadyBatch> decide(BatchClaim claim, List<OpenBatch> due, ReadinessRules rules, Instant now, Tally tally) {
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

        List<ReadyBatch> ready = new ArrayList<>();
        for (OpenBatch batch : due) {
            Conditions c = conditions.get(batch.batchId());
            Optional<Trigger> filtered = c.filtered();
            if (filtered.isEmpty()) {
                if (c.maxAge()) {
                    ready.add(new ReadyBatch(batch, Trigger.MAX_AGE));
                }
                continue;
            }
            if (filter.isEmpty()) {
                ready.add(new ReadyBatch(batch, filtered.get()));
                continue;
            }
            ReadyFilter.Verdict verdict = filter.get().evaluate(objects.getOrDefault(batch.batchId(), List.of()));
            if (verdict.ready()) {
                ready.add(new ReadyBatch(batch, filtered.get()));
            } else if (c.maxAge()) {
                ready.add(new ReadyBatch(batch, Trigger.MAX_AGE));
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

    /**
     * Publishes in slices of {@link #SLICE}, {@code callsAtOnce} calls at a time. The deadline is
     * checked before each wave of calls; a call that failed as a whole interrupts the tick after
     * its wave (the calls already in flight are counted, none is started after it).
     */
    private List<ReadyBatch> publish(List<ReadyBatch> ready, Deadline deadline, Tally tally) {
        List<ReadyBatch> published = new ArrayList<>();
        int perWave = SLICE * callsAtOnce;
        for (int waveFrom = 0; waveFrom < ready.size(); waveFrom += perWave) {
            if (outOfTime(deadline)) {
                tally.stoppedEarly = true;
                break;
            }
            List<CompletableFuture<PublishResult<PackageObjectsReady>>> calls = new ArrayList<>();
            List<Map<UUID, ReadyBatch>> slices = new ArrayList<>();
            for (int from = waveFrom; from < Math.min(ready.size(), waveFrom + perWave); from += SLICE) {
                Map<UUID, ReadyBatch> byId = new HashMap<>();
                List<PackageObjectsReady> events = new ArrayList<>();
                for (ReadyBatch r : ready.subList(from, Math.min(ready.size(), from + SLICE))) {
                    byId.put(r.batch().batchId(), r);
                    events.add(r.event());
                }
                slices.add(byId);
                calls.add(CompletableFuture.supplyAsync(() -> publisher.publish(events), publishPool));
            }
            RuntimeException thrown = null;
            for (int k = 0; k < calls.size(); k++) {
                PublishResult<PackageObjectsReady> result;
                try {
                    result = calls.get(k).join();
                } catch (CompletionException e) {
                    // the publisher reports the bus's failures as results; anything thrown is a crash of this invocation
                    thrown = thrown == null ? unwrap(e) : thrown;
                    continue;
                }
                Map<UUID, ReadyBatch> byId = slices.get(k);
                result.published().forEach(e -> published.add(byId.get(e.batchId())));
                for (PublishResult.Failure<PackageObjectsReady> f : result.failed()) {
                    tally.failures++;
                    LOG.warn("publish failed; batch stays due", "bucket", f.event().bucket(), "prefix", f.event().prefix(),
                            "batch_id", f.event().id(), "code", f.code(), "reason", f.message());
                }
                tally.interrupted |= result.interrupted();
            }
            if (thrown != null) {
                throw thrown;
            }
            if (tally.interrupted) {
                break;
            }
        }
        return published;
    }

    private static RuntimeException unwrap(CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return e;
    }

    private boolean outOfTime(Deadline deadline) {
        return deadline.remaining().compareTo(reserve) < 0;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * What one tick of the emitter did. {@code republished} counts the emitted batches that an
     * earlier invocation had closed and published or tried to.
     */
    public record EmitSummary(
            Map<Trigger, Integer> emittedByTrigger, int republished, int publishFailures, int held, boolean stoppedEarly,
            boolean interrupted, Optional<Duration> maxLag, Map<Trigger, List<Duration>> announceDelays) {

        /**
         * Without the announce delays (callers that only count). The delays are, per trigger, the
         * time from when each announced batch became ready to when the bus accepted it.
         */
        public EmitSummary(Map<Trigger, Integer> emittedByTrigger, int republished, int publishFailures, int held,
                boolean stoppedEarly, boolean interrupted, Optional<Duration> maxLag) {
            this(emittedByTrigger, republished, publishFailures, held, stoppedEarly, interrupted, maxLag, Map.of());
        }

        public int emitted() {
            return emittedByTrigger.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private static final class Tally {
        final Instant now;
        /** The thresholds of this tick, read once at its start. */
        ThresholdRules rules;
        final Map<Trigger, Integer> emitted = new EnumMap<>(Trigger.class);
        int republished;
        int failures;
        int held;
        boolean stoppedEarly;
        boolean interrupted;
        Duration maxLag;
        final Map<Trigger, List<Duration>> delays = new EnumMap<>(Trigger.class);

        Tally(Instant now) {
            this.now = now;
        }

        void emitted(ReadyBatch r, Instant readySince, Instant announcedAt) {
            emitted.merge(r.trigger(), 1, Integer::sum);
            Duration delay = Duration.between(readySince, announcedAt);
            delays.computeIfAbsent(r.trigger(), t -> new ArrayList<>()).add(delay.isNegative() ? Duration.ZERO : delay);
            Duration lag = Duration.between(readySince, now);
            if (lag.isNegative()) {
                lag = Duration.ZERO;
            }
            if (maxLag == null || lag.compareTo(maxLag) > 0) {
                maxLag = lag;
            }
        }

        EmitSummary summary() {
            Map<Trigger, List<Duration>> announceDelays = new EnumMap<>(Trigger.class);
            delays.forEach((t, d) -> announceDelays.put(t, List.copyOf(d)));
            return new EmitSummary(Map.copyOf(emitted), republished, failures, held, stoppedEarly, interrupted, Optional.ofNullable(maxLag),
                    Map.copyOf(announceDelays));
        }
    }
}

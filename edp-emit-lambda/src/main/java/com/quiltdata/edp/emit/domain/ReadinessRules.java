package com.quiltdata.edp.emit.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When an open batch is ready (ADR 0201 for the order and the ready filter):
 * <ul>
 *   <li>count: at least {@code countThreshold} distinct objects created or overwritten;</li>
 *   <li>quiet: no activity for {@code quietPeriod};</li>
 *   <li>max age: open for {@code maxAge} ({@link Duration#ZERO} = off);</li>
 *   <li>sentinel: a live object whose file name is one of {@code sentinels} (empty = off).</li>
 * </ul>
 * Sentinel, count and quiet are subject to the optional ready filter; max age is not. When several
 * hold, the batch is reported with the first of sentinel, count, quiet, max age: the most specific
 * reason a user would recognise.
 */
public record ReadinessRules(int countThreshold, Duration quietPeriod, Duration maxAge, List<String> sentinels) {

    public ReadinessRules {
        if (countThreshold < 1) {
            throw new IllegalArgumentException("count threshold must be at least 1, got " + countThreshold);
        }
        if (quietPeriod.isNegative() || maxAge.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        sentinels = List.copyOf(sentinels);
    }

    public boolean maxAgeEnabled() {
        return !maxAge.isZero();
    }

    /** Batches whose last activity is at or before this instant are quiet. */
    public Instant quietCutoff(Instant now) {
        return now.minus(quietPeriod);
    }

    /** Batches opened at or before this instant are too old to wait; empty when max age is off. */
    public Optional<Instant> maxAgeCutoff(Instant now) {
        return maxAgeEnabled() ? Optional.of(now.minus(maxAge)) : Optional.empty();
    }

    public Conditions conditionsOf(OpenBatch batch, Instant now) {
        boolean sentinel = !sentinels.isEmpty() && batch.sentinelSeen();
        boolean count = batch.objectCount() >= countThreshold;
        boolean quiet = !batch.lastActivityAt().isAfter(quietCutoff(now));
        boolean old = maxAgeCutoff(now).map(cutoff -> !batch.openedAt().isAfter(cutoff)).orElse(false);
        return new Conditions(sentinel, count, quiet, old);
    }

    /**
     * The earliest instant the batch is known to have been ready for this trigger, for the emit lag
     * metric: the end of the quiet period, the moment it reached max age, or its last activity (the
     * newest event that could have completed a count or brought a sentinel).
     */
    public Instant readySince(OpenBatch batch, Trigger trigger) {
        return switch (trigger) {
            case QUIET -> batch.lastActivityAt().plus(quietPeriod);
            case MAX_AGE -> batch.openedAt().plus(maxAge);
            case COUNT, SENTINEL, MANUAL -> batch.lastActivityAt();
        };
    }

    /** Which of the rules hold for one batch at one instant. */
    public record Conditions(boolean sentinel, boolean count, boolean quiet, boolean maxAge) {

        /** The trigger among those the ready filter may hold back, in order of precedence. */
        public Optional<Trigger> filtered() {
            if (sentinel) {
                return Optional.of(Trigger.SENTINEL);
            }
            if (count) {
                return Optional.of(Trigger.COUNT);
            }
            if (quiet) {
                return Optional.of(Trigger.QUIET);
            }
            return Optional.empty();
        }

        public boolean any() {
            return sentinel || count || quiet || maxAge;
        }
    }
}

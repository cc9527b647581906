package com.quiltdata.edp.emit;

import com.quiltdata.edp.observe.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scheduled invocation: a tick every {@code period} until the schedule's interval is used, so a
 * quiet or max-age batch is announced within one period of its deadline although the schedule
 * itself cannot fire more than once a minute. Ticks fall on {@code start + k * period}; a tick that
 * overruns its period skips the boundaries it missed. The loop starts no tick at or after the
 * interval's end (the next invocation's first tick) and none that would have less than
 * {@link #MINIMUM_TICK_TIME} before the invocation's deadline.
 */
public final class TickLoop {
    /** The schedule's interval (template.yaml: rate(1 minute)). */
    public static final Duration SCHEDULE_INTERVAL = Duration.ofMinutes(1);
    /** A tick started later than this before the deadline would stop at once: the tick's own reserve and a few seconds of work. */
    public static final Duration MINIMUM_TICK_TIME = EmitWiring.DEADLINE_RESERVE.plusSeconds(5);

    private static final Log LOG = Log.of("emit");

    /** How the loop waits for the next boundary; tests move a clock instead of sleeping. */
    @FunctionalInterface
    public interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final EmitTick tick;
    private final Duration period;
    private final Clock clock;
    private final Pause pause;

    public TickLoop(EmitTick tick, Duration period, Clock clock, Pause pause) {
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("the tick period must be positive, got " + period);
        }
        this.tick = tick;
        this.period = period;
        this.clock = clock;
        this.pause = pause;
    }

    /** One tick per invocation (the period is the whole interval). */
    public static TickLoop once(EmitTick tick, Clock clock) {
        return new TickLoop(tick, SCHEDULE_INTERVAL, clock, d -> { });
    }

    /** One tick on this loop's tick and clock (the store's request for an immediate tick, ADR 0207). */
    public TickLoop single() {
        return once(tick, clock);
    }

    public static Pause sleeping() {
        return d -> Thread.sleep(d.toMillis());
    }

    public Summary run(Deadline deadline) {
        Instant start = clock.instant();
        Instant end = start.plus(SCHEDULE_INTERVAL);
        List<EmitTick.Summary> ticks = new ArrayList<>();
        while (true) {
            ticks.add(tick.run(deadline));
            Instant now = clock.instant();
            long periodsElapsed = Duration.between(start, now).toMillis() / period.toMillis();
            Instant next = start.plus(period.multipliedBy(periodsElapsed + 1));
            if (!next.isBefore(end)) {
                break;
            }
            Duration wait = Duration.between(now, next);
            if (deadline.remaining().minus(wait).compareTo(MINIMUM_TICK_TIME) < 0) {
                LOG.info("tick loop stops before its deadline", "ticks", ticks.size(), "remaining_ms", deadline.remaining().toMillis());
                break;
            }
            try {
                pause.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Summary(ticks);
    }

    /** The invocation's ticks; the handler answers their totals. */
    public record Summary(List<EmitTick.Summary> ticks) {
        /** The last tick's gauges (open set, closed not yet announced); everything else summed (counts) or or-ed (flags). */
        private static final List<String> LATEST_ONLY = List.of("open_batches", "oldest_open_seconds",
                "closed_batches", "oldest_closed_seconds");

        public Map<String, Object> toMap() {
            Map<String, Object> total = new LinkedHashMap<>();
            total.put("ticks", ticks.size());
            for (EmitTick.Summary s : ticks) {
                s.toMap().forEach((key, value) -> total.merge(key, value, (a, b) -> combine(key, a, b)));
            }
            return total;
        }

        private static Object combine(String key, Object earlier, Object later) {
            if (LATEST_ONLY.contains(key)) {
                return later;
            }
            if (earlier instanceof Boolean a && later instanceof Boolean b) {
                return a || b;
            }
            if (earlier instanceof Number a && later instanceof Number b) {
                return a.longValue() + b.longValue();
            }
            return later;
        }
    }
}

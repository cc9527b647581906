package com.quiltdata.edp.packager.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** A Lambda context whose deadline is a fixed instant on a test clock: remaining time shrinks as the clock moves. */
public final class ClockContext extends PackagerContext {
    private final Clock clock;
    private final Instant deadline;

    public ClockContext(Clock clock, Duration timeout) {
        this.clock = clock;
        this.deadline = clock.instant().plus(timeout);
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
    }
}

package com.quiltdata.edp.packager.testing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A Lambda context whose remaining time drops by a fixed step each time it is asked: an invocation
 * that looks at the clock once per object handed out runs out after a known number of objects.
 */
public final class ShrinkingContext extends PackagerContext {
    private final AtomicLong remaining;
    private final long step;

    public ShrinkingContext(long startMillis, long stepMillis) {
        this.remaining = new AtomicLong(startMillis);
        this.step = stepMillis;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, remaining.getAndAdd(-step));
    }
}

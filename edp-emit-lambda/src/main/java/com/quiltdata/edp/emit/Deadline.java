package com.quiltdata.edp.emit;

import java.time.Duration;
import java.util.function.LongSupplier;

/** How much time the invocation has left; the Lambda {@code Context} in production. */
@FunctionalInterface
public interface Deadline {

    Duration remaining();

    static Deadline ofRemainingMillis(LongSupplier remainingMillis) {
        return () -> Duration.ofMillis(remainingMillis.getAsLong());
    }

    /** No deadline (the operator's flush command, benchmarks). */
    static Deadline none() {
        return () -> Duration.ofDays(365);
    }
}

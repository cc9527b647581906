package com.quiltdata.edp.packager;

import com.quiltdata.edp.packager.domain.Continuation;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Whether and how a package may stop before its end and go on in another invocation (ADR 0114).
 *
 * @param at              where the run stands: the message's continuation, or the start of a run named after the message
 * @param messageId       the SQS message being handled: it signs the checkpoint part it writes
 * @param remainingMillis the invocation's time left
 * @param margin          objects stop being handed out when less than this is left
 * @param resend          sends the request back to the queue with a continuation (before this message is acknowledged)
 */
public record Continuing(Continuation at, String messageId, LongSupplier remainingMillis, Duration margin,
        Optional<Consumer<Continuation>> resend) {
    /** A package that runs to its end in this invocation (no queue to go on from, or none wanted). */
    public static final Continuing NEVER = new Continuing(Continuation.start("none"), "none", () -> Long.MAX_VALUE, Duration.ZERO,
            Optional.empty());

    boolean enabled() {
        return resend.isPresent();
    }

    /** True once the invocation should stop handing out objects and write a checkpoint instead. */
    boolean timeUp() {
        return enabled() && remainingMillis.getAsLong() < margin.toMillis();
    }
}

package com.quiltdata.edp.store.port;

/**
 * Asks the emit function to run one tick now, because a commit made a batch ready (ADR 0207). The
 * request is fire-and-forget: the tick it starts claims, closes and announces with all of its
 * guarantees, and a request that is lost only leaves the batch to the next scheduled tick.
 */
public interface ImmediateAnnouncer {

    /** @throws AnnounceRequestFailedException when the request could not be handed over */
    void requestTick();

    /** The request was not accepted; the scheduled tick will announce the batch. */
    final class AnnounceRequestFailedException extends RuntimeException {
        public AnnounceRequestFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

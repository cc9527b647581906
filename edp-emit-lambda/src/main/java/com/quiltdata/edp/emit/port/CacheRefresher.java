package com.quiltdata.edp.emit.port;

/** Asks a file cache (a Storage Gateway file share) to pick up new objects before package-ready. */
public interface CacheRefresher {

    Outcome refresh();

    sealed interface Outcome permits Requested, Busy, Failed {}

    /** The refresh is under way (it is asynchronous). */
    record Requested(String notificationId) implements Outcome {}

    /** Too many refreshes in flight; try again on the next tick. */
    record Busy(String reason) implements Outcome {}

    /** Any other failure; also retried on the next tick, but someone should look. */
    record Failed(String reason) implements Outcome {}
}

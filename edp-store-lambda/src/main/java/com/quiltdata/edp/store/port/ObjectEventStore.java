package com.quiltdata.edp.store.port;

import com.quiltdata.edp.domain.ObjectEvent;
import com.quiltdata.edp.store.domain.BatchGrowth;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Where object events are recorded and grouped into open batches (PostgreSQL in production). */
public interface ObjectEventStore {

    /**
     * Records the events in one transaction: duplicates (same event id) and events older than the
     * key's newest sequencer change nothing; the rest update the open batch of their prefix,
     * opening one where none is open.
     *
     * @throws StoreUnavailableException when nothing could be recorded (retry later)
     * @throws EventsRefusedException when the store refused the data of some event; nothing was recorded
     */
    Recorded record(List<PlacedEvent> events, Instant arrivedAt);

    /** Which of {@code keys} of the bucket the store has recorded an event for (backfill skips those). */
    Set<String> knownKeys(String bucket, List<String> keys);

    /** The newest state of every key of a bucket (edp local resumes its folder from it). */
    List<KeyState> keyStates(String bucket);

    /** A key's newest recorded event: whether it deleted the key, its etag and its sequencer. */
    record KeyState(String key, boolean deleted, String etag, String sequencer) {}

    /** An event and the batch prefix the prefix rule gave it. */
    record PlacedEvent(ObjectEvent event, String prefix) {}

    /**
     * How many events were new and applied, already seen, or superseded by a newer sequencer, and
     * how each touched open batch grew (the store's use case decides from it whether a batch became ready).
     */
    record Recorded(int stored, int duplicates, int stale, int batchesTouched, List<BatchGrowth> grown) {
        public Recorded {
            grown = List.copyOf(grown);
        }

        public Recorded(int stored, int duplicates, int stale, int batchesTouched) {
            this(stored, duplicates, stale, batchesTouched, List.of());
        }

        /** The counts alone (tests compare them). */
        public Recorded counts() {
            return new Recorded(stored, duplicates, stale, batchesTouched);
        }

        public Recorded plus(Recorded other) {
            List<BatchGrowth> both = new java.util.ArrayList<>(grown);
            both.addAll(other.grown);
            return new Recorded(stored + other.stored, duplicates + other.duplicates, stale + other.stale,
                    batchesTouched + other.batchesTouched, both);
        }
    }

    /**
     * The store refused what some event carries (a value it cannot hold, a constraint it breaks):
     * the same events would be refused again, so retrying them all cannot help. Nothing was recorded.
     */
    final class EventsRefusedException extends RuntimeException {
        public EventsRefusedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The store failed as a whole (connection lost, database down); nothing was recorded. */
    final class StoreUnavailableException extends RuntimeException {
        public StoreUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

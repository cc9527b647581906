package com.quiltdata.edp.store.postgres;

/**
 * Whether the next SQS batch should try the COPY path. A batch that falls back has paid for a COPY
 * that was undone; when the workload is overwrites or deletes, the next batches would too. So
 * after a fallback the next {@code pause} batches go straight to the upsert path, then COPY is
 * tried again.
 */
final class BulkPathPolicy {
    private final int pause;
    private int upsertOnly;

    BulkPathPolicy(int pause) {
        this.pause = pause;
    }

    synchronized boolean shouldTry() {
        if (upsertOnly > 0) {
            upsertOnly--;
            return false;
        }
        return true;
    }

    synchronized void fellBack() {
        upsertOnly = pause;
    }
}

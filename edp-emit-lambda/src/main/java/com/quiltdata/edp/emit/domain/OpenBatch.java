package com.quiltdata.edp.emit.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An open batch as the emit Lambda sees it: its counts and times, and whether one of its live
 * (not deleted) objects is a sentinel file.
 */
public record OpenBatch(
        UUID batchId,
        String bucket,
        String prefix,
        int objectCount,
        int deletedCount,
        long totalBytes,
        Instant firstEventTime,
        Instant lastEventTime,
        Instant openedAt,
        Instant lastActivityAt,
        boolean sentinelSeen) {

    public OpenBatch {
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(openedAt, "openedAt");
        Objects.requireNonNull(lastActivityAt, "lastActivityAt");
    }
}

package com.quiltdata.edp.emit.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * The {@code package-objects-ready} event: the fields the EDP documents name (version, bucket,
 * prefix), kept as they are, and batch fields added beside them, never renamed (ADR 0202). Its wire form is the JSON Schema
 * {@code schemas/package-objects-ready-0.1.schema.json}.
 */
public record PackageObjectsReady(
        UUID batchId,
        String bucket,
        String prefix,
        int objectCount,
        int deletedCount,
        long totalBytes,
        Instant firstEventTime,
        Instant lastEventTime,
        Trigger trigger) implements BusEvent {

    public static final String VERSION = "0.1";
    public static final String DETAIL_TYPE = "package-objects-ready";

    public static PackageObjectsReady of(OpenBatch batch, Trigger trigger) {
        return new PackageObjectsReady(batch.batchId(), batch.bucket(), batch.prefix(), batch.objectCount(),
                batch.deletedCount(), batch.totalBytes(), batch.firstEventTime(), batch.lastEventTime(), trigger);
    }

    @Override
    public String id() {
        return batchId.toString();
    }
}

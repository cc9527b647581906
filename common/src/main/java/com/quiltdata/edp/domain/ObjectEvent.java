package com.quiltdata.edp.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One S3 object event as EDP records it. {@code key} is decoded, {@code rawKey} as delivered;
 * {@code sequencer} is normalized (see {@link Sequencer}); size is null on deletes.
 */
public record ObjectEvent(
        String eventId,
        String bucket,
        String key,
        String rawKey,
        Kind kind,
        Long size,
        String etag,
        String versionId,
        String sequencer,
        Instant eventTime) {

    public enum Kind { CREATED, DELETED }

    public ObjectEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rawKey, "rawKey");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(sequencer, "sequencer");
        Objects.requireNonNull(eventTime, "eventTime");
    }

    /** When the event counts as activity: the later of S3's event time and its arrival at EDP. */
    public Instant activityTime(Instant arrivedAt) {
        return eventTime.isAfter(arrivedAt) ? eventTime : arrivedAt;
    }
}

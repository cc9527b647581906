package com.quiltdata.edp.emit.port;

import com.quiltdata.edp.emit.domain.PackageReady;
import java.time.Instant;
import java.util.List;

/** Package revisions the packager wrote, waiting for their package-ready announcement. */
public interface PackageRevisionRepository {

    /**
     * Opens a transaction and locks up to {@code limit} revisions whose ready time has passed and
     * that are not published yet, skipping locked ones, in ready order after the given revision.
     */
    RevisionClaim claimReady(Instant now, Cursor after, int limit);

    record Cursor(Instant readyAt, long revisionId) {
        public static final Cursor START = new Cursor(Instant.EPOCH, Long.MIN_VALUE);
    }

    record ReadyRevision(PackageReady event, Instant readyAt) {}

    /** The newest {@code limit} revisions written, newest first (edp status). */
    List<WrittenRevision> recent(int limit);

    /** A revision as the packager recorded it; {@code batchId} is null for a request that named no batch. */
    record WrittenRevision(String registry, String packageName, String topHash, long objectCount, long totalBytes,
                           Instant createdAt, String batchId) {}

    interface RevisionClaim extends AutoCloseable {
        List<ReadyRevision> revisions();

        void markPublished(List<Long> revisionIds, Instant at);

        void commit();

        /** Rolls back unless committed. */
        @Override
        void close();
    }
}

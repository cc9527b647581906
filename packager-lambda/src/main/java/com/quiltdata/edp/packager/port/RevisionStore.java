package com.quiltdata.edp.packager.port;

import com.quiltdata.edp.packager.domain.PackageName;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Package revisions recorded for later {@code package-ready} events, the idempotency checks, and the
 * revisions whose write was started but not finished (a crash), so that a retry finishes the same one.
 * A store without that memory (the defaults) still dedupes on the registry's {@code latest}.
 */
public interface RevisionStore {
    boolean hasBatch(UUID batchId);

    boolean hasRevision(String registry, PackageName name, String topHash);

    /** Records a revision; recording the same revision (or a second one for the same batch id) again is a no-op. */
    void record(PackageRevision revision);

    /**
     * Notes that this revision is about to be written, before anything is written. If a write of the
     * same package and top hash is already open, that one is returned and goes on (its time wins, so
     * the retry rewrites the same timestamp pointer).
     */
    default PackageRevision begin(PackageRevision revision) {
        return revision;
    }

    /** The open write started for this batch, if one was interrupted. */
    default Optional<PackageRevision> openWrite(UUID batchId) {
        return Optional.empty();
    }

    /** Open writes of this package, oldest first. */
    default List<PackageRevision> openWrites(String registry, PackageName name) {
        return List.of();
    }

    /** The revision is written, recorded and announced (or was abandoned before it wrote anything). */
    default void finish(PackageRevision revision) {}
}

package com.quiltdata.edp.packager.port;

import com.quiltdata.edp.packager.domain.PackageName;
import com.quiltdata.edp.packager.domain.RegistryPointer;
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
     * Records a revision whose timestamp pointer {@code pointerKey} is in the registry, once per pointer
     * and top hash, whoever records it first: this packager after writing the pointer, or the use case
     * that reads the pointer's S3 event (ADR 0111). When the event was first, this packager's record
     * adds its batch and source to that row. True when a new row was written.
     */
    default boolean recordPointer(PackageRevision revision, String pointerKey) {
        record(revision);
        return true;
    }

    /**
     * True when the revision of this pointer with this top hash is recorded already: under its pointer,
     * or (a row from before pointers were recorded) under the same package and top hash within the
     * pointer's second.
     */
    default boolean hasPointer(RegistryPointer pointer, String topHash) {
        return false;
    }

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

package com.quiltdata.edp.packager.port;

import com.quiltdata.edp.packager.manifest.PackageName;
import java.util.UUID;

/** Package revisions recorded for later {@code package-ready} events, and the idempotency checks. */
public interface RevisionStore {
    boolean hasBatch(UUID batchId);

    boolean hasRevision(String registry, PackageName name, String topHash);

    /** Records a revision; a second one for the same batch id is ignored. */
    void record(PackageRevision revision);
}

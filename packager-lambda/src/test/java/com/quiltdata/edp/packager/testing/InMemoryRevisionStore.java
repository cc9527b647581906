package com.quiltdata.edp.packager.testing;

import com.quiltdata.edp.packager.manifest.PackageName;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.port.RevisionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The revision store as a list, for the benchmark (PostgreSQL is not what it measures). */
public final class InMemoryRevisionStore implements RevisionStore {
    public final List<PackageRevision> revisions = new ArrayList<>();

    @Override
    public synchronized boolean hasBatch(UUID batchId) {
        return revisions.stream().anyMatch(r -> r.batchId().equals(java.util.Optional.of(batchId)));
    }

    @Override
    public synchronized boolean hasRevision(String registry, PackageName name, String topHash) {
        return revisions.stream().anyMatch(r -> r.registry().equals(registry) && r.name().equals(name) && r.topHash().equals(topHash));
    }

    @Override
    public synchronized void record(PackageRevision revision) {
        revisions.add(revision);
    }
}

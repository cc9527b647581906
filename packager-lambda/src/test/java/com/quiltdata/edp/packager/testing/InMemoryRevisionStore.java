package com.quiltdata.edp.packager.testing;

import com.quiltdata.edp.packager.domain.PackageName;
import com.quiltdata.edp.packager.domain.RegistryPointer;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.port.RevisionStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The revision store as lists, for unit tests and the benchmark (PostgreSQL is not what they exercise). */
public final class InMemoryRevisionStore implements RevisionStore {
    public final List<PackageRevision> revisions = new ArrayList<>();
    public final List<PackageRevision> open = new ArrayList<>();
    /** registry, pointer key and top hash of each revision recorded with its pointer */
    public final Set<List<String>> pointers = new HashSet<>();

    @Override
    public synchronized boolean hasBatch(UUID batchId) {
        return revisions.stream().anyMatch(r -> r.batchId().equals(Optional.of(batchId)));
    }

    @Override
    public synchronized boolean hasRevision(String registry, PackageName name, String topHash) {
        return revisions.stream().anyMatch(r -> r.registry().equals(registry) && r.name().equals(name) && r.topHash().equals(topHash));
    }

    @Override
    public synchronized void record(PackageRevision revision) {
        boolean again = revisions.stream().anyMatch(r -> r.equals(revision)
                || (revision.batchId().isPresent() && r.batchId().equals(revision.batchId())));
        if (!again) {
            revisions.add(revision);
        }
    }

    @Override
    public synchronized boolean recordPointer(PackageRevision revision, String pointerKey) {
        if (!pointers.add(List.of(revision.registry(), pointerKey, revision.topHash()))) {
            return false;
        }
        int before = revisions.size();
        record(revision);
        return revisions.size() > before;
    }

    @Override
    public synchronized boolean hasPointer(RegistryPointer pointer, String topHash) {
        return pointers.contains(List.of(pointer.registry(), pointer.key(), topHash));
    }

    @Override
    public synchronized PackageRevision begin(PackageRevision revision) {
        for (PackageRevision w : open) {
            if (w.registry().equals(revision.registry()) && w.name().equals(revision.name()) && w.topHash().equals(revision.topHash())) {
                return w;
            }
        }
        open.add(revision);
        return revision;
    }

    @Override
    public synchronized Optional<PackageRevision> openWrite(UUID batchId) {
        return open.stream().filter(w -> w.batchId().equals(Optional.of(batchId))).findFirst();
    }

    @Override
    public synchronized List<PackageRevision> openWrites(String registry, PackageName name) {
        return open.stream().filter(w -> w.registry().equals(registry) && w.name().equals(name)).toList();
    }

    @Override
    public synchronized void finish(PackageRevision revision) {
        open.removeIf(w -> w.registry().equals(revision.registry()) && w.name().equals(revision.name())
                && w.topHash().equals(revision.topHash()));
    }
}

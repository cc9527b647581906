package com.quiltdata.edp.packager.testing;

import com.quiltdata.edp.packager.domain.PackageName;
import com.quiltdata.edp.packager.domain.RegistryPointer;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.ObjectReader.StoredText;
import com.quiltdata.edp.packager.port.PackageRegistry;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.port.RevisionStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Kills a packager run right after one of its write steps succeeded, once: wraps the real registry,
 * revision store and notifier, and throws {@link Crash} after the armed step, as a process dying
 * between two steps would leave things (the step done, nothing after it).
 */
public final class CrashAt {
    /** The write steps of a package, in order; a crash after each is a boundary a retry must survive. */
    public enum Step { OPEN_WRITE, MANIFEST, POINTER, LATEST, ROW, NOTICE, CLOSE_WRITE }

    /** What the injected crash throws. */
    public static final class Crash extends RuntimeException {
        Crash(Step step) {
            super("crashed after " + step);
        }
    }

    private Step armed;

    /** The next time {@code step} completes, the run dies. */
    public void arm(Step step) {
        armed = step;
    }

    private void after(Step step) {
        if (step == armed) {
            armed = null;
            throw new Crash(step);
        }
    }

    public PackageRegistry registry(PackageRegistry real) {
        return new PackageRegistry() {
            @Override
            public Optional<String> latest(String registry, PackageName name) {
                return real.latest(registry, name);
            }

            @Override
            public boolean hasManifest(String registry, String topHash) {
                return real.hasManifest(registry, topHash);
            }

            @Override
            public void putManifest(String registry, String topHash, Path manifest) {
                real.putManifest(registry, topHash, manifest);
                after(Step.MANIFEST);
            }

            @Override
            public void putPointer(String registry, PackageName name, Instant when, String topHash) {
                real.putPointer(registry, name, when, topHash);
                after(Step.POINTER);
            }

            @Override
            public void setLatest(String registry, PackageName name, String topHash) {
                real.setLatest(registry, name, topHash);
                after(Step.LATEST);
            }

            @Override
            public <T> Optional<T> readManifest(String registry, String topHash, Function<InputStream, T> reader) {
                return real.readManifest(registry, topHash, reader);
            }

            @Override
            public Optional<StoredText> workflowsConfig(String registry) {
                return real.workflowsConfig(registry);
            }

            @Override
            public Optional<StoredText> schema(String registry, String url) {
                return real.schema(registry, url);
            }
        };
    }

    public RevisionStore revisions(RevisionStore real) {
        return new RevisionStore() {
            @Override
            public boolean hasBatch(UUID batchId) {
                return real.hasBatch(batchId);
            }

            @Override
            public boolean hasRevision(String registry, PackageName name, String topHash) {
                return real.hasRevision(registry, name, topHash);
            }

            @Override
            public void record(PackageRevision revision) {
                real.record(revision);
                after(Step.ROW);
            }

            @Override
            public boolean recordPointer(PackageRevision revision, String pointerKey) {
                boolean added = real.recordPointer(revision, pointerKey);
                after(Step.ROW);
                return added;
            }

            @Override
            public boolean hasPointer(RegistryPointer pointer, String topHash) {
                return real.hasPointer(pointer, topHash);
            }

            @Override
            public PackageRevision begin(PackageRevision revision) {
                PackageRevision open = real.begin(revision);
                after(Step.OPEN_WRITE);
                return open;
            }

            @Override
            public Optional<PackageRevision> openWrite(UUID batchId) {
                return real.openWrite(batchId);
            }

            @Override
            public List<PackageRevision> openWrites(String registry, PackageName name) {
                return real.openWrites(registry, name);
            }

            @Override
            public void finish(PackageRevision revision) {
                real.finish(revision);
                after(Step.CLOSE_WRITE);
            }
        };
    }

    public Notifier notifier(Notifier real) {
        return new Notifier() {
            @Override
            public void packageCreated(PackageRevision revision) {
                real.packageCreated(revision);
                after(Step.NOTICE);
            }

            @Override
            public void packageFailed(Failure failure) {
                real.packageFailed(failure);
            }
        };
    }
}

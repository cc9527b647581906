package com.quiltdata.edp.packager;

import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.packager.domain.ManifestSummary;
import com.quiltdata.edp.packager.domain.RegistryPointer;
import com.quiltdata.edp.packager.port.ObjectReader;
import com.quiltdata.edp.packager.port.ObjectReader.StoredText;
import com.quiltdata.edp.packager.port.PackageRegistry;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.port.RevisionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The use case for a revision someone wrote to a registry (ADR 0111): read its timestamp pointer (the
 * top hash), skip it if it is recorded already (this packager's own revisions, a redelivered event),
 * else stream its manifest for the file count and size and record it, so that the emit Lambda
 * announces {@code package-ready} for it as for the packages this stack makes.
 */
public final class RecordRegistryRevision {
    /** A pointer holds exactly the 64 hex characters; quilt3 writes no newline, but one costs nothing to allow. */
    private static final Pattern TOP_HASH = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_POINTER_BYTES = 1024;

    private final ObjectReader reader;
    private final PackageRegistry registry;
    private final RevisionStore revisions;
    private final Clock clock;
    private final Duration readyDelay;

    public RecordRegistryRevision(ObjectReader reader, PackageRegistry registry, RevisionStore revisions, Clock clock,
            Duration readyDelay) {
        this.reader = reader;
        this.registry = registry;
        this.revisions = revisions;
        this.clock = clock;
        this.readyDelay = readyDelay;
    }

    /** What became of one pointer event. */
    public record Outcome(Kind kind, String topHash, long entries, String detail) {
        public enum Kind {
            /** a new revision row: package-ready follows after the delay */
            RECORDED,
            /** this pointer and top hash were recorded before (our own write, or the event again) */
            ALREADY_RECORDED,
            /** the pointer no longer exists (the revision was deleted): nothing to announce */
            GONE
        }
    }

    public Outcome run(RegistryPointer pointer) {
        String url = pointer.location().toUrl();
        Optional<StoredText> text = reader.read(pointer.location(), MAX_POINTER_BYTES);
        if (text.isEmpty()) {
            return new Outcome(Outcome.Kind.GONE, null, 0, url + " no longer exists");
        }
        String topHash = text.get().text().strip();
        if (!TOP_HASH.matcher(topHash).matches()) {
            throw new RejectedException("registry pointer " + url + " holds " + Bounded.quoted(topHash)
                    + ", not a top hash (64 lowercase hex characters)");
        }
        if (revisions.hasPointer(pointer, topHash)) {
            return new Outcome(Outcome.Kind.ALREADY_RECORDED, topHash, 0, url + " is recorded already");
        }
        String manifest = "s3://" + pointer.registry() + "/.quilt/packages/" + topHash;
        ManifestSummary summary = registry.readManifest(pointer.registry(), topHash, in -> ManifestSummary.read(in, manifest))
                .orElseThrow(() -> new RejectedException("registry pointer " + url + " names top hash " + topHash
                        + ", but its manifest " + manifest + " does not exist"));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        PackageRevision revision = new PackageRevision(pointer.registry(), pointer.name(), topHash, Optional.empty(),
                "s3://" + pointer.registry() + "/" + pointer.key(), summary.entries(), summary.totalSize(), pointer.writtenAt(),
                now.plus(readyDelay));
        boolean added = revisions.recordPointer(revision, pointer.key());
        return new Outcome(added ? Outcome.Kind.RECORDED : Outcome.Kind.ALREADY_RECORDED, topHash, summary.entries(),
                added ? "manifest entries=" + summary.entries() + " bytes=" + summary.totalSize() : url + " is recorded already");
    }
}

package com.quiltdata.edp.packager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.packager.FolderListing.Listing;
import com.quiltdata.edp.packager.domain.Checksum;
import com.quiltdata.edp.packager.domain.LogicalKeys;
import com.quiltdata.edp.packager.domain.ManifestEntry;
import com.quiltdata.edp.packager.domain.ManifestHeader;
import com.quiltdata.edp.packager.domain.ManifestWriter;
import com.quiltdata.edp.packager.domain.PackageDefaults;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.domain.RegistryPointer;
import com.quiltdata.edp.packager.port.ContentHasher;
import com.quiltdata.edp.packager.port.ListedObject;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.ObjectCopier;
import com.quiltdata.edp.packager.port.ObjectLister;
import com.quiltdata.edp.packager.port.ObjectReader;
import com.quiltdata.edp.packager.port.PackageRegistry;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.port.RevisionStore;
import com.quiltdata.edp.packager.domain.PackageRequest;
import com.quiltdata.edp.packager.domain.RequestParser;
import com.quiltdata.edp.packager.domain.Workflows;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * The use case: list the folder's current objects ({@link FolderListing}), get their checksums,
 * take the metadata ({@link PackageMetadata}), validate the workflow, write the manifest and its top
 * hash ({@link ManifestFile}), write the revision to the registry, record it and notify. An
 * unchanged top hash or an already packaged batch writes nothing new.
 */
public final class PackagePrefix {
    public static final String METADATA_FILE = "quilt_metadata.json";
    public static final String IGNORE_FILE = ".quiltignore";
    static final int MAX_METADATA_BYTES = ManifestWriter.MAX_LINE_BYTES;
    private static final Log LOG = Log.of("packager");

    private final FolderListing folders;
    private final PackageMetadata metadata;
    private final ContentHasher hasher;
    private final ObjectCopier copier;
    private final PackageRegistry registry;
    private final RevisionStore revisions;
    private final Notifier notifier;
    private final ExecutorService workers;
    private final Clock clock;
    private final Duration readyDelay;
    private final Path tempDir;
    private final ObjectReader reader;

    public PackagePrefix(ObjectLister lister, ContentHasher hasher, ObjectCopier copier, ObjectReader reader,
            PackageRegistry registry, RevisionStore revisions, Notifier notifier, ExecutorService workers, Clock clock,
            Duration readyDelay, Path tempDir) {
        this.folders = new FolderListing(lister, reader);
        this.metadata = new PackageMetadata(reader);
        this.hasher = hasher;
        this.copier = copier;
        this.registry = registry;
        this.revisions = revisions;
        this.notifier = notifier;
        this.workers = workers;
        this.clock = clock;
        this.readyDelay = readyDelay;
        this.tempDir = tempDir;
        this.reader = reader;
    }

    /** The use case that records revisions others write to the same registries, over the same adapters. */
    public RecordRegistryRevision registryRevisions() {
        return new RecordRegistryRevision(reader, registry, revisions, clock, readyDelay);
    }

    public PackageOutcome run(PackageRequest request) {
        return run(request, PackageDefaults.NONE);
    }

    /** @param defaults what the package gets where its folder says nothing (automatic packages) */
    public PackageOutcome run(PackageRequest request, PackageDefaults defaults) {
        String reg = request.registry();
        if (request.batchId().isPresent()) {
            Optional<PackageRevision> interrupted = revisions.openWrite(request.batchId().get());
            if (interrupted.isPresent() && resume(interrupted.get())) {
                PackageRevision done = interrupted.get();
                return new PackageOutcome(PackageOutcome.Kind.CREATED, done.registry(), done.name(), done.topHash(),
                        done.objectCount(), "finished the write a crash interrupted");
            }
            if (revisions.hasBatch(request.batchId().get())) {
                return new PackageOutcome(PackageOutcome.Kind.UNCHANGED, reg, request.name(), null, 0,
                        "batch " + request.batchId().get() + " was already packaged");
            }
        }

        Listing listing = list(request, defaults);
        if (listing.listed() == 0 && request.namedObject().isPresent()
                && folders.exists(request.bucket(), request.namedObject().get().key())) {
            PackageRequest objectsFolder = request.namedObject().get().request();
            return packageListing(objectsFolder, list(objectsFolder, defaults), defaults);
        }
        return packageListing(request, listing, defaults);
    }

    private Listing list(PackageRequest request, PackageDefaults defaults) {
        return folders.list(request.bucket(), request.folder(), defaults.files().keySet(),
                Optional.ofNullable(defaults.files().get(PackageDefaults.QUILT_IGNORE)));
    }

    private PackageOutcome packageListing(PackageRequest request, Listing listing, PackageDefaults defaults) {
        String reg = request.registry();
        if (listing.objects().isEmpty()) {
            String why = emptyReason(request, listing);
            switch (request.whenEmpty()) {
                case REJECT -> throw new RejectedException(why + "; to package an empty folder on purpose, send \""
                        + RequestParser.ALLOW_EMPTY + "\": true");
                case SKIP -> {
                    return new PackageOutcome(PackageOutcome.Kind.UNCHANGED, reg, request.name(), null, 0, why + "; nothing written");
                }
                case PACKAGE -> LOG.info("packaging an empty folder, as asked", "source", request.sourceUri(), "reason", why);
            }
        }
        JsonNode userMeta = metadata.of(request, listing.metadataFile().map(folders::location), defaults);
        List<ManifestEntry> entries = request.shouldCopy() ? copy(request, listing.objects()) : hash(request.folder(), listing.objects());
        entries.addAll(defaultFiles(defaults, listing));
        entries.sort(Comparator.comparing(ManifestEntry::logicalKey, LogicalKeys.WALK_ORDER));

        String message = request.message().orElse(null);
        Optional<ObjectNode> workflow = Workflows.validate(registry.workflowsConfig(reg), request.workflow(), request.name(),
                message, userMeta, entries, url -> registry.schema(reg, url));
        ManifestHeader header = ManifestHeader.of(Optional.of(userMeta), workflow, message);

        try (ManifestFile manifest = ManifestFile.write(tempDir, header, entries)) {
            ManifestWriter.Written written = manifest.written();
            String topHash = written.topHash();
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            PackageRevision proposed = new PackageRevision(reg, request.name(), topHash, request.batchId(),
                    request.sourceUri(), written.entries(), written.totalSize(), now, now.plus(readyDelay));

            // writes of this package that a crash interrupted: the same content goes on below with its
            // first time; other content is finished first, as an uncrashed run would have
            Optional<PackageRevision> sameContent = Optional.empty();
            for (PackageRevision open : revisions.openWrites(reg, request.name())) {
                if (open.topHash().equals(topHash)) {
                    sameContent = Optional.of(open);
                } else {
                    resume(open);
                }
            }
            Optional<String> latest = registry.latest(reg, request.name());
            if (sameContent.isEmpty() && latest.isPresent() && latest.get().equals(topHash)) {
                // a revision in the registry without its row (written by a version before open writes): record it once
                if (request.batchId().isPresent() || !revisions.hasRevision(reg, request.name(), topHash)) {
                    revisions.record(proposed);
                }
                return new PackageOutcome(PackageOutcome.Kind.UNCHANGED, reg, request.name(), topHash, written.entries(),
                        "top hash equals latest");
            }
            PackageRevision revision = sameContent.orElseGet(() -> revisions.begin(proposed));
            if (!registry.hasManifest(reg, topHash)) {
                registry.putManifest(reg, topHash, manifest.path());
            }
            publish(revision);
            return new PackageOutcome(PackageOutcome.Kind.CREATED, reg, request.name(), topHash, written.entries(),
                    "manifest bytes=" + written.bytes());
        }
    }

    /**
     * The steps after the manifest, each safe to repeat with the same revision: timestamp pointer,
     * {@code latest}, the row, the notice, then the open write is closed. A crash anywhere leaves the
     * write open for the retry; a crash after the notice only sends it twice.
     */
    private void publish(PackageRevision revision) {
        registry.putPointer(revision.registry(), revision.name(), revision.createdAt(), revision.topHash());
        registry.setLatest(revision.registry(), revision.name(), revision.topHash());
        revisions.recordPointer(revision, RegistryPointer.keyOf(revision.name(), revision.createdAt()));
        notifier.packageCreated(revision);
        revisions.finish(revision);
    }

    /**
     * Finishes an interrupted write whose manifest is in the registry; one that crashed before its
     * manifest wrote nothing and is dropped. True when it was finished.
     */
    private boolean resume(PackageRevision open) {
        if (!registry.hasManifest(open.registry(), open.topHash())) {
            LOG.info("dropped an interrupted write that had written nothing", "registry", open.registry(),
                    "package", open.name().toString(), "topHash", open.topHash());
            revisions.finish(open);
            return false;
        }
        publish(open);
        LOG.warn("finished a package write that a crash had interrupted", "registry", open.registry(),
                "package", open.name().toString(), "topHash", open.topHash(), "pointer", open.createdAt().getEpochSecond());
        return true;
    }

    private static String emptyReason(PackageRequest request, Listing listing) {
        String folder = "s3://" + request.bucket() + "/" + request.folder();
        return listing.listed() == 0
                ? folder + " lists no objects (no such folder, or an empty one)"
                : "all " + listing.listed() + " objects under " + folder + " were skipped or ignored (.quiltignore)";
    }

    private PhysicalKey location(ListedObject o) {
        return folders.location(o);
    }

    /** The default files the folder lacks, each an entry pointing at the default object's current version. */
    private List<ManifestEntry> defaultFiles(PackageDefaults defaults, Listing listing) {
        List<ManifestEntry> entries = new ArrayList<>();
        defaults.files().forEach((logicalKey, location) -> {
            if (listing.present().contains(logicalKey)) {
                return;
            }
            ListedObject o = folders.object(location.bucket(), location.key()).orElseThrow(() -> new RejectedException(
                    "the default " + logicalKey + " " + location.toUrl() + " does not exist"));
            entries.add(ManifestEntry.of(logicalKey, location(o), o.size(), hasher.checksum(o)));
        });
        return entries;
    }

    private List<ManifestEntry> hash(String folder, List<ListedObject> objects) {
        return parallel(objects, o -> {
            Checksum checksum = hasher.checksum(o);
            return ManifestEntry.of(o.key().substring(folder.length()), location(o), o.size(), checksum);
        });
    }

    private List<ManifestEntry> copy(PackageRequest request, List<ListedObject> objects) {
        String prefix = request.name() + "/";
        return parallel(objects, o -> {
            String logical = o.key().substring(request.folder().length());
            ObjectCopier.Copied copied = copier.copy(o, request.registry(), prefix + logical);
            return ManifestEntry.of(logical, copied.location(), o.size(), copied.checksum());
        });
    }

    private List<ManifestEntry> parallel(List<ListedObject> objects, Function<ListedObject, ManifestEntry> work) {
        // largest first, so one big object does not start last and stretch the run
        List<ListedObject> order = new ArrayList<>(objects);
        order.sort(Comparator.comparingLong(ListedObject::size).reversed());
        List<CompletableFuture<ManifestEntry>> futures = new ArrayList<>(order.size());
        for (ListedObject o : order) {
            futures.add(CompletableFuture.supplyAsync(() -> work.apply(o), workers));
        }
        List<ManifestEntry> entries = new ArrayList<>(futures.size());
        try {
            for (CompletableFuture<ManifestEntry> f : futures) {
                entries.add(f.join());
            }
        } catch (CompletionException e) {
            futures.forEach(f -> f.cancel(false));
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
        return entries;
    }
}

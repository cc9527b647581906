package com.quiltdata.edp.packager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.packager.domain.Checkpoint;
import com.quiltdata.edp.packager.domain.Continuation;
import com.quiltdata.edp.packager.domain.LogicalKeys;
import com.quiltdata.edp.packager.domain.ManifestEntry;
import com.quiltdata.edp.packager.domain.ManifestHeader;
import com.quiltdata.edp.packager.domain.ManifestWriter;
import com.quiltdata.edp.packager.domain.PackageDefaults;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.domain.RegistryPointer;
import com.quiltdata.edp.packager.port.CheckpointStore;
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
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicReference;
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
    private final Optional<CheckpointStore> checkpoints;

    public PackagePrefix(ObjectLister lister, ContentHasher hasher, ObjectCopier copier, ObjectReader reader,
            PackageRegistry registry, RevisionStore revisions, Notifier notifier, ExecutorService workers, Clock clock,
            Duration readyDelay, Path tempDir) {
        this(lister, hasher, copier, reader, registry, revisions, notifier, workers, clock, readyDelay, tempDir, Optional.empty());
    }

    /** @param checkpoints where a package that runs out of time keeps its parts (ADR 0114); empty: it never stops early */
    public PackagePrefix(ObjectLister lister, ContentHasher hasher, ObjectCopier copier, ObjectReader reader,
            PackageRegistry registry, RevisionStore revisions, Notifier notifier, ExecutorService workers, Clock clock,
            Duration readyDelay, Path tempDir, Optional<CheckpointStore> checkpoints) {
        this.checkpoints = checkpoints;
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
        return run(request, defaults, Continuing.NEVER);
    }

    /**
     * @param continuing whether the package may stop before the invocation's end, write a checkpoint part
     *                   and go on in another invocation (ADR 0114), and where its run stands
     */
    public PackageOutcome run(PackageRequest request, PackageDefaults defaults, Continuing continuing) {
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
        Continuing run = checkpoints.isPresent() ? continuing : Continuing.NEVER;
        if (!run.enabled()) {
            return packageFolder(request, defaults, run, Optional.empty());
        }
        CheckpointStore store = checkpoints.get();
        Continuation at = run.at();
        Optional<Checkpoint.Header> previous = Optional.empty();
        if (at.part() > 0) {
            previous = store.readHeader(reg, at.run(), at.part());
            if (previous.isEmpty()) {
                return new PackageOutcome(PackageOutcome.Kind.UNCHANGED, reg, request.name(), null, 0, "checkpoint part "
                        + at.part() + " of run " + at.run() + " is gone: the package was finished by an earlier delivery");
            }
            request = continuedRequest(request, previous.get());
        }
        Optional<String> nextWriter = store.writtenBy(reg, at.run(), at.part() + 1);
        if (nextWriter.isPresent()) {
            if (nextWriter.get().equals(run.messageId())) {
                // this message wrote the next part and crashed before it sent the continuation: send it now
                run.resend().get().accept(at.next());
                return continued(request, at.next(), "re-sent the continuation of part " + at.next().part() + " after a crash");
            }
            return new PackageOutcome(PackageOutcome.Kind.UNCHANGED, reg, request.name(), null, 0, "a duplicate of the continuation"
                    + " of run " + at.run() + " part " + at.part() + ": another delivery wrote part " + (at.part() + 1));
        }
        PackageOutcome outcome = packageFolder(request, defaults, run, previous);
        if (outcome.kind() != PackageOutcome.Kind.CONTINUED && at.part() > 0) {
            store.delete(reg, at.run(), at.part());
        }
        return outcome;
    }

    /** The request a checkpoint continues: the message's own, or the folder of the object its {@code uri} named. */
    private static PackageRequest continuedRequest(PackageRequest request, Checkpoint.Header header) {
        if (header.request().equals(Checkpoint.RequestIdentity.of(request))) {
            return request;
        }
        if (request.namedObject().isPresent()
                && header.request().equals(Checkpoint.RequestIdentity.of(request.namedObject().get().request()))) {
            return request.namedObject().get().request();
        }
        throw new RejectedException("the continuation's checkpoint (run " + header.run() + " part " + header.part()
                + ") was written for " + header.request() + ", not for this request");
    }

    private static PackageOutcome continued(PackageRequest request, Continuation next, String detail) {
        return new PackageOutcome(PackageOutcome.Kind.CONTINUED, request.registry(), request.name(), null, 0, detail);
    }

    /** Lists and hashes the folder from where its run stands, then checkpoints or writes the package. */
    private PackageOutcome packageFolder(PackageRequest request, PackageDefaults defaults, Continuing run,
            Optional<Checkpoint.Header> previous) {
        Set<String> names = defaults.files().keySet();
        FolderListing.Progress progress = previous.map(h -> FolderListing.Progress.resume(h.listed(), h.present(), h.metadataFile(),
                h.afterKey(), h.ignore())).orElseGet(FolderListing.Progress::new);
        Function<ListedObject, ManifestEntry> work = request.shouldCopy() ? copier(request) : hasher(request.folder());
        Hashed hashed = hashAsListed(request, names, Optional.ofNullable(defaults.files().get(PackageDefaults.QUILT_IGNORE)), progress,
                run, work);

        if (hashed.stopped()) {
            return checkpoint(request, run, progress, hashed.entries());
        }
        if (progress.listed == 0 && previous.isEmpty() && request.namedObject().isPresent()
                && folders.exists(request.bucket(), request.namedObject().get().key())) {
            return packageFolder(request.namedObject().get().request(), defaults, run, previous);
        }
        List<ManifestEntry> entries = hashed.entries();
        if (previous.isPresent()) {
            List<ManifestEntry> all = new ArrayList<>();
            for (int part = 1; part <= run.at().part(); part++) {
                int p = part;
                all.addAll(checkpoints.get().read(request.registry(), run.at().run(), part).orElseThrow(() -> new IllegalStateException(
                        "checkpoint part " + p + " of run " + run.at().run() + " disappeared")).entries());
            }
            all.addAll(entries);
            entries = all;
        }
        return packageEntries(request, new Shown(progress.listed, progress.metadataFile, Set.copyOf(progress.present)), entries, defaults);
    }

    /** Keeps what this invocation did as the next part and sends the request back to the queue to go on from it. */
    private PackageOutcome checkpoint(PackageRequest request, Continuing run, FolderListing.Progress progress,
            List<ManifestEntry> entries) {
        Continuation next = run.at().next();
        Checkpoint part = new Checkpoint(new Checkpoint.Header(next.run(), next.part(), run.messageId(), Checkpoint.RequestIdentity.of(request),
                progress.lastKey.orElse(""), progress.listed, progress.present, progress.metadataFile, progress.ignore), entries);
        if (!checkpoints.get().create(request.registry(), part)) {
            return new PackageOutcome(PackageOutcome.Kind.UNCHANGED, request.registry(), request.name(), null, 0,
                    "a duplicate of the continuation of run " + next.run() + ": another delivery wrote part " + next.part() + " first");
        }
        run.resend().get().accept(next);
        LOG.info("package continues in another invocation", "package", request.name().toString(), "run", next.run().toString(),
                "part", next.part(), "hashed", entries.size(), "listedSoFar", progress.listed, "afterKey", progress.lastKey.orElse(""));
        return continued(request, next, "part " + next.part() + " of run " + next.run() + ": " + entries.size()
                + " objects, " + progress.listed + " listed so far");
    }

    private PackageOutcome packageEntries(PackageRequest request, Shown listing, List<ManifestEntry> entries, PackageDefaults defaults) {
        String reg = request.registry();
        if (entries.isEmpty()) {
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
        JsonNode userMeta = metadata.of(request, listing.metadataFile(), defaults);
        entries = new ArrayList<>(entries);
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

    private static String emptyReason(PackageRequest request, Shown listing) {
        String folder = "s3://" + request.bucket() + "/" + request.folder();
        return listing.listed() == 0
                ? folder + " lists no objects (no such folder, or an empty one)"
                : "all " + listing.listed() + " objects under " + folder + " were skipped or ignored (.quiltignore)";
    }

    private PhysicalKey location(ListedObject o) {
        return folders.location(o);
    }

    /** The default files the folder lacks, each an entry pointing at the default object's current version. */
    private List<ManifestEntry> defaultFiles(PackageDefaults defaults, Shown listing) {
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

    private Function<ListedObject, ManifestEntry> hasher(String folder) {
        return o -> ManifestEntry.of(o.key().substring(folder.length()), location(o), o.size(), hasher.checksum(o));
    }

    private Function<ListedObject, ManifestEntry> copier(PackageRequest request) {
        String prefix = request.name() + "/";
        return o -> {
            String logical = o.key().substring(request.folder().length());
            ObjectCopier.Copied copied = copier.copy(o, request.registry(), prefix + logical);
            return ManifestEntry.of(logical, copied.location(), o.size(), copied.checksum());
        };
    }

    /**
     * @param listed       objects under the folder before anything was skipped or ignored
     * @param metadataFile the folder's {@link #METADATA_FILE}, when it has one
     * @param present      which of the names asked about the folder has (before {@code .quiltignore})
     */
    private record Shown(long listed, Optional<PhysicalKey> metadataFile, Set<String> present) {}

    /** @param stopped true when time ran out before the listing's end (the entries are those of this invocation) */
    private record Hashed(List<ManifestEntry> entries, boolean stopped) {}

    /**
     * Hands each object to the workers as the listing shows it, so listing and checksumming overlap
     * (ADR 0114): the listing (one request per 1,000 keys) would otherwise come first, 180 s for a
     * million. At most {@link #inFlight} objects wait at once, so memory stays flat however long the
     * folder, and on a deadline only those have to finish. The entries come in completion order;
     * the manifest sorts them.
     */
    private Hashed hashAsListed(PackageRequest request, Set<String> names, Optional<PhysicalKey> defaultIgnore, FolderListing.Progress progress,
            Continuing run, Function<ListedObject, ManifestEntry> work) {
        int slots = inFlight();
        Semaphore free = new Semaphore(slots);
        List<ManifestEntry> entries = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        boolean[] stopped = {false};
        try {
            folders.stream(request.bucket(), request.folder(), names, defaultIgnore, progress, () -> {
                if (failure.get() != null) {
                    return false;
                }
                if (run.timeUp()) {
                    stopped[0] = true;
                    return false;
                }
                return true;
            }, o -> {
                free.acquireUninterruptibly();
                try {
                    workers.execute(() -> {
                        try {
                            if (failure.get() == null) {
                                ManifestEntry entry = work.apply(o);
                                synchronized (entries) {
                                    entries.add(entry);
                                }
                            }
                        } catch (Throwable t) {
                            failure.compareAndSet(null, t);
                        } finally {
                            free.release();
                        }
                    });
                } catch (RuntimeException e) {
                    free.release();
                    throw e;
                }
            });
        } finally {
            // every object handed out is finished (or failed) before the entries are used or checkpointed
            free.acquireUninterruptibly(slots);
            free.release(slots);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
        return new Hashed(entries, stopped[0]);
    }

    /** Objects handed out and not finished, at most: twice the workers keeps each busy without a long queue. */
    private int inFlight() {
        return workers instanceof ThreadPoolExecutor pool ? Math.max(4, 2 * pool.getMaximumPoolSize()) : 64;
    }
}

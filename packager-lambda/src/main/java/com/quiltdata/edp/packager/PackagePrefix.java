package com.quiltdata.edp.packager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.packager.domain.Checksum;
import com.quiltdata.edp.packager.domain.LogicalKeys;
import com.quiltdata.edp.packager.domain.ManifestEntry;
import com.quiltdata.edp.packager.domain.ManifestHeader;
import com.quiltdata.edp.packager.domain.ManifestWriter;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.domain.QuiltIgnore;
import com.quiltdata.edp.packager.port.ContentHasher;
import com.quiltdata.edp.packager.port.ListedObject;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.ObjectCopier;
import com.quiltdata.edp.packager.port.ObjectLister;
import com.quiltdata.edp.packager.port.ObjectReader;
import com.quiltdata.edp.packager.port.ObjectReader.StoredText;
import com.quiltdata.edp.packager.port.PackageRegistry;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.port.RevisionStore;
import com.quiltdata.edp.packager.domain.PackageRequest;
import com.quiltdata.edp.packager.domain.PackageRequest.MetadataSource;
import com.quiltdata.edp.packager.domain.RequestParser;
import com.quiltdata.edp.packager.domain.Workflows;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
 * The use case: list the folder's current objects, get their checksums, build the manifest and
 * its top hash, validate the workflow, write the revision to the registry, record it and notify.
 * An unchanged top hash or an already packaged batch writes nothing new.
 */
public final class PackagePrefix {
    public static final String METADATA_FILE = "quilt_metadata.json";
    public static final String IGNORE_FILE = ".quiltignore";
    static final int MAX_METADATA_BYTES = ManifestWriter.MAX_LINE_BYTES;
    private static final Log LOG = Log.of("packager");

    private final ObjectLister lister;
    private final ContentHasher hasher;
    private final ObjectCopier copier;
    private final ObjectReader reader;
    private final PackageRegistry registry;
    private final RevisionStore revisions;
    private final Notifier notifier;
    private final ExecutorService workers;
    private final Clock clock;
    private final Duration readyDelay;
    private final Path tempDir;

    public PackagePrefix(ObjectLister lister, ContentHasher hasher, ObjectCopier copier, ObjectReader reader,
            PackageRegistry registry, RevisionStore revisions, Notifier notifier, ExecutorService workers, Clock clock,
            Duration readyDelay, Path tempDir) {
        this.lister = lister;
        this.hasher = hasher;
        this.copier = copier;
        this.reader = reader;
        this.registry = registry;
        this.revisions = revisions;
        this.notifier = notifier;
        this.workers = workers;
        this.clock = clock;
        this.readyDelay = readyDelay;
        this.tempDir = tempDir;
    }

    public PackageOutcome run(PackageRequest request) {
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

        Listing listing = list(request);
        if (listing.listed == 0 && request.namedObject().isPresent() && exists(request.bucket(), request.namedObject().get().key())) {
            PackageRequest objectsFolder = request.namedObject().get().request();
            return packageListing(objectsFolder, list(objectsFolder));
        }
        return packageListing(request, listing);
    }

    private PackageOutcome packageListing(PackageRequest request, Listing listing) {
        String reg = request.registry();
        if (listing.objects.isEmpty()) {
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
        JsonNode userMeta = metadata(request, listing);
        List<ManifestEntry> entries = request.shouldCopy() ? copy(request, listing.objects) : hash(request.folder(), listing.objects);
        entries.sort(Comparator.comparing(ManifestEntry::logicalKey, LogicalKeys.WALK_ORDER));

        String message = request.message().orElse(null);
        Optional<ObjectNode> workflow = Workflows.validate(registry.workflowsConfig(reg), request.workflow(), request.name(),
                message, userMeta, entries, url -> registry.schema(reg, url));
        ManifestHeader header = ManifestHeader.of(Optional.of(userMeta), workflow, message);

        Path manifest = null;
        try {
            manifest = Files.createTempFile(tempDir, "manifest", ".jsonl");
            ManifestWriter.Written written;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(manifest), 1 << 16)) {
                ManifestWriter writer = new ManifestWriter(out, header);
                for (ManifestEntry entry : entries) {
                    writer.add(entry);
                }
                written = writer.finish();
            } catch (IllegalArgumentException e) {
                throw new RejectedException(e.getMessage(), e);
            }
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
                registry.putManifest(reg, topHash, manifest);
            }
            publish(revision);
            return new PackageOutcome(PackageOutcome.Kind.CREATED, reg, request.name(), topHash, written.entries(),
                    "manifest bytes=" + written.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the manifest to a temporary file", e);
        } finally {
            if (manifest != null) {
                try {
                    Files.deleteIfExists(manifest);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless; the next invocation writes another
                }
            }
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
        revisions.record(revision);
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

    /**
     * @param listed  objects under the folder before anything was skipped or ignored
     * @param objects what goes into the package
     */
    private record Listing(int listed, List<ListedObject> objects, Optional<ListedObject> metadataFile) {}

    private static String emptyReason(PackageRequest request, Listing listing) {
        String folder = "s3://" + request.bucket() + "/" + request.folder();
        return listing.listed == 0
                ? folder + " lists no objects (no such folder, or an empty one)"
                : "all " + listing.listed + " objects under " + folder + " were skipped or ignored (.quiltignore)";
    }

    private boolean exists(String bucket, String key) {
        boolean[] found = {false};
        lister.listLatest(bucket, key, o -> found[0] |= o.key().equals(key));
        return found[0];
    }

    private Listing list(PackageRequest request) {
        String folder = request.folder();
        List<ListedObject> all = new ArrayList<>();
        ListedObject[] special = new ListedObject[2];
        int[] listed = {0};
        lister.listLatest(request.bucket(), folder, o -> {
            if (!o.key().startsWith(folder) || o.key().endsWith("/") || o.key().startsWith(".quilt/")) {
                if (o.key().endsWith("/") && o.size() > 0) {
                    LOG.warn("skipped non-empty folder marker", "bucket", o.bucket(), "key", o.key(), "size", o.size());
                }
                return;
            }
            listed[0]++;
            String logical = o.key().substring(folder.length());
            String problem = LogicalKeys.problem(logical);
            if (problem != null) {
                LOG.warn("skipped object quilt3 cannot name", "bucket", o.bucket(), "key", o.key(), "reason", problem);
                return;
            }
            if (logical.equals(IGNORE_FILE)) {
                special[0] = o;
            } else if (logical.equals(METADATA_FILE)) {
                special[1] = o;
            }
            all.add(o);
        });
        QuiltIgnore ignore = special[0] == null ? QuiltIgnore.none() : readText(location(special[0]))
                .map(t -> QuiltIgnore.parse(t.text())).orElse(QuiltIgnore.none());
        List<ListedObject> kept = new ArrayList<>(all.size());
        for (ListedObject o : all) {
            if (!ignore.ignores(o.key().substring(folder.length()))) {
                kept.add(o);
            }
        }
        if (kept.size() < all.size()) {
            LOG.info("applied .quiltignore", "folder", folder, "ignored", all.size() - kept.size());
        }
        return new Listing(listed[0], kept, Optional.ofNullable(special[1]));
    }

    private JsonNode metadata(PackageRequest request, Listing listing) {
        JsonNode meta;
        MetadataSource source = request.metadata();
        if (source instanceof MetadataSource.Given given) {
            meta = given.metadata().deepCopy();
        } else if (source instanceof MetadataSource.FromObject from) {
            StoredText text = readText(from.location()).orElseThrow(() -> new RejectedException(
                    "metadata_uri " + from.location().toUrl() + " does not exist"));
            meta = parseMetadata(text);
        } else if (listing.metadataFile.isPresent()) {
            meta = parseMetadata(readText(location(listing.metadataFile.get())).orElseThrow(() ->
                    new IllegalStateException(METADATA_FILE + " disappeared while packaging")));
        } else {
            meta = NullNode.instance;
        }
        if (request.batchId().isPresent()) {
            ObjectNode withBatch = meta.isObject() ? (ObjectNode) meta : Json.MAPPER.createObjectNode();
            if (!withBatch.has("batch_id")) {
                withBatch.put("batch_id", request.batchId().get().toString());
            }
            meta = withBatch;
        }
        return meta;
    }

    private static JsonNode parseMetadata(StoredText text) {
        JsonNode node;
        try {
            node = Json.parse(text.text());
        } catch (IllegalArgumentException e) {
            throw new RejectedException("metadata " + text.location().toUrl() + " is not JSON: " + e.getMessage());
        }
        if (!node.isObject()) {
            throw new RejectedException("metadata " + text.location().toUrl() + " must be a JSON object");
        }
        return node;
    }

    private Optional<StoredText> readText(PhysicalKey location) {
        return reader.read(location, MAX_METADATA_BYTES);
    }

    private PhysicalKey location(ListedObject o) {
        return lister.location(o);
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

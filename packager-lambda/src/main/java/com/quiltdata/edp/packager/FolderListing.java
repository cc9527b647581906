package com.quiltdata.edp.packager;

import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.packager.domain.LogicalKeys;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.domain.QuiltIgnore;
import com.quiltdata.edp.packager.port.ListedObject;
import com.quiltdata.edp.packager.port.ObjectLister;
import com.quiltdata.edp.packager.port.ObjectReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What a folder holds for its package: its current objects less the keys quilt3 cannot name, the
 * folder markers, the registry's own {@code .quilt/} keys and what the folder's {@code .quiltignore}
 * ignores; and its metadata file, if it has one.
 */
final class FolderListing {
    private static final Log LOG = Log.of("packager");

    /**
     * @param listed       objects under the folder before anything was skipped or ignored
     * @param objects      what goes into the package
     * @param metadataFile the folder's {@link PackagePrefix#METADATA_FILE}, when it has one
     * @param present      which of the names asked about the folder has (before {@code .quiltignore})
     */
    record Listing(int listed, List<ListedObject> objects, Optional<ListedObject> metadataFile, Set<String> present) {}

    private final ObjectLister lister;
    private final ObjectReader reader;

    FolderListing(ObjectLister lister, ObjectReader reader) {
        this.lister = lister;
        this.reader = reader;
    }

    Listing list(String bucket, String folder) {
        return list(bucket, folder, Set.of(), Optional.empty());
    }

    /**
     * @param names         logical keys to say whether the folder has ({@link Listing#present})
     * @param defaultIgnore the {@code .quiltignore} that applies when the folder has none
     */
    Listing list(String bucket, String folder, Set<String> names, Optional<PhysicalKey> defaultIgnore) {
        Set<String> present = new HashSet<>();
        List<ListedObject> all = new ArrayList<>();
        ListedObject[] special = new ListedObject[2];
        int[] listed = {0};
        lister.listLatest(bucket, folder, o -> {
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
            if (names.contains(logical)) {
                present.add(logical);
            }
            if (logical.equals(PackagePrefix.IGNORE_FILE)) {
                special[0] = o;
            } else if (logical.equals(PackagePrefix.METADATA_FILE)) {
                special[1] = o;
            }
            all.add(o);
        });
        QuiltIgnore ignore = special[0] != null ? reader.read(location(special[0]), PackagePrefix.MAX_METADATA_BYTES)
                .map(t -> QuiltIgnore.parse(t.text())).orElse(QuiltIgnore.none())
                : defaultIgnore.map(this::defaultIgnore).orElse(QuiltIgnore.none());
        List<ListedObject> kept = new ArrayList<>(all.size());
        for (ListedObject o : all) {
            if (!ignore.ignores(o.key().substring(folder.length()))) {
                kept.add(o);
            }
        }
        if (kept.size() < all.size()) {
            LOG.info("applied .quiltignore", "folder", folder, "ignored", all.size() - kept.size());
        }
        return new Listing(listed[0], kept, Optional.ofNullable(special[1]), Set.copyOf(present));
    }

    /**
     * What the listing has shown so far, carried from one part of a long package to the next.
     * {@code lastKey} is the last key handed out or skipped: everything up to it is dealt with.
     * {@code ignore} is the {@code .quiltignore} text the package applies, once known (null: none).
     */
    static final class Progress {
        long listed;
        final Set<String> present = new HashSet<>();
        Optional<PhysicalKey> metadataFile = Optional.empty();
        Optional<String> lastKey = Optional.empty();
        boolean ignoreKnown;
        String ignore;

        static Progress resume(long listed, Set<String> present, Optional<PhysicalKey> metadataFile, String afterKey, String ignore) {
            Progress p = new Progress();
            p.listed = listed;
            p.present.addAll(present);
            p.metadataFile = metadataFile;
            p.lastKey = Optional.of(afterKey);
            p.ignoreKnown = true;
            p.ignore = ignore;
            return p;
        }
    }

    /**
     * Lists the folder after {@code progress.lastKey}, skipping what {@link #list} skips and what the
     * {@code .quiltignore} ignores, and hands each object that goes into the package to {@code sink} as
     * it is listed (pages are not collected first). Keys come in order, so the folder's
     * {@code .quiltignore} is known once the listing passes where it sorts: the few keys before it
     * wait until then. Before each object handed out it asks {@code goOn}; on false it stops there,
     * that object not yet dealt with.
     */
    void stream(String bucket, String folder, Set<String> names, Optional<PhysicalKey> defaultIgnore, Progress progress,
            BooleanSupplier goOn, Consumer<ListedObject> sink) {
        String ignoreKey = folder + PackagePrefix.IGNORE_FILE;
        List<ListedObject> waiting = new ArrayList<>();
        ListedObject[] ownIgnore = {null};
        QuiltIgnore[] ignore = {progress.ignoreKnown ? parse(progress.ignore) : null};
        Runnable decide = () -> {
            progress.ignore = ownIgnore[0] != null ? reader.read(location(ownIgnore[0]), PackagePrefix.MAX_METADATA_BYTES)
                    .map(t -> t.text()).orElse(null) : defaultIgnore.map(this::defaultIgnoreText).orElse(null);
            progress.ignoreKnown = true;
            ignore[0] = parse(progress.ignore);
            for (ListedObject w : waiting) {
                if (!ignore[0].ignores(w.key().substring(folder.length()))) {
                    sink.accept(w);
                }
            }
            waiting.clear();
        };
        lister.listLatest(bucket, folder, progress.lastKey, o -> {
            if (ignore[0] == null && o.key().compareTo(ignoreKey) > 0) {
                decide.run();
            }
            if (ignore[0] != null && !goOn.getAsBoolean()) {
                return false;
            }
            progress.lastKey = Optional.of(o.key());
            if (!o.key().startsWith(folder) || o.key().endsWith("/") || o.key().startsWith(".quilt/")) {
                if (o.key().endsWith("/") && o.size() > 0) {
                    LOG.warn("skipped non-empty folder marker", "bucket", o.bucket(), "key", o.key(), "size", o.size());
                }
                return true;
            }
            progress.listed++;
            String logical = o.key().substring(folder.length());
            String problem = LogicalKeys.problem(logical);
            if (problem != null) {
                LOG.warn("skipped object quilt3 cannot name", "bucket", o.bucket(), "key", o.key(), "reason", problem);
                return true;
            }
            if (names.contains(logical)) {
                progress.present.add(logical);
            }
            if (logical.equals(PackagePrefix.METADATA_FILE)) {
                progress.metadataFile = Optional.of(location(o));
            }
            if (ignore[0] == null) {
                if (o.key().equals(ignoreKey)) {
                    ownIgnore[0] = o;
                }
                waiting.add(o);
            } else if (!ignore[0].ignores(logical)) {
                sink.accept(o);
            }
            return true;
        });
        if (ignore[0] == null) {
            decide.run();
        }
    }

    private static QuiltIgnore parse(String ignoreText) {
        return ignoreText == null ? QuiltIgnore.none() : QuiltIgnore.parse(ignoreText);
    }

    private String defaultIgnoreText(PhysicalKey location) {
        return reader.read(location, PackagePrefix.MAX_METADATA_BYTES).orElseThrow(() -> new RejectedException(
                "the default " + PackagePrefix.IGNORE_FILE + " " + location.toUrl() + " does not exist")).text();
    }

    private QuiltIgnore defaultIgnore(PhysicalKey location) {
        return QuiltIgnore.parse(reader.read(location, PackagePrefix.MAX_METADATA_BYTES).orElseThrow(() -> new RejectedException(
                "the default " + PackagePrefix.IGNORE_FILE + " " + location.toUrl() + " does not exist")).text());
    }

    /** The latest version of one object, as a listing shows it, if it exists. */
    Optional<ListedObject> object(String bucket, String key) {
        List<ListedObject> found = new ArrayList<>(1);
        lister.listLatest(bucket, key, o -> {
            if (o.key().equals(key)) {
                found.add(o);
            }
        });
        return found.stream().findFirst();
    }

    /** Whether the object itself exists (a {@code uri} may name an object rather than a folder). */
    boolean exists(String bucket, String key) {
        return object(bucket, key).isPresent();
    }

    PhysicalKey location(ListedObject o) {
        return lister.location(o);
    }
}

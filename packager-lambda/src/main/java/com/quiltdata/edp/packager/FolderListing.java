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

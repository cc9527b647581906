package com.quiltdata.edp.packager.port;

import com.quiltdata.edp.packager.domain.PhysicalKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Lists the current objects under a folder: latest versions only, no delete markers. */
public interface ObjectLister {
    void listLatest(String bucket, String folder, Consumer<ListedObject> sink);

    /**
     * The same listing in key order, from the first key after {@code afterKey} (all when empty), until
     * {@code sink} answers false. A lister that cannot start in the middle or list in order (a local
     * folder) collects its listing and sorts it first.
     */
    default void listLatest(String bucket, String folder, Optional<String> afterKey, Predicate<ListedObject> sink) {
        List<ListedObject> all = new ArrayList<>();
        listLatest(bucket, folder, all::add);
        all.sort(Comparator.comparing(ListedObject::key));
        for (ListedObject o : all) {
            if ((afterKey.isEmpty() || o.key().compareTo(afterKey.get()) > 0) && !sink.test(o)) {
                return;
            }
        }
    }

    /**
     * Where a listed object's bytes are, as its manifest entry points at them: the S3 object,
     * pinned to its version. A lister over local files answers with {@code file://} keys.
     */
    default PhysicalKey location(ListedObject object) {
        return new PhysicalKey(object.bucket(), object.key(), object.versionId());
    }
}

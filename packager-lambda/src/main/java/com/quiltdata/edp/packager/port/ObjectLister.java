package com.quiltdata.edp.packager.port;

import com.quiltdata.edp.packager.domain.PhysicalKey;
import java.util.function.Consumer;

/** Lists the current objects under a folder: latest versions only, no delete markers. */
public interface ObjectLister {
    void listLatest(String bucket, String folder, Consumer<ListedObject> sink);

    /**
     * Where a listed object's bytes are, as its manifest entry points at them: the S3 object,
     * pinned to its version. A lister over local files answers with {@code file://} keys.
     */
    default PhysicalKey location(ListedObject object) {
        return new PhysicalKey(object.bucket(), object.key(), object.versionId());
    }
}

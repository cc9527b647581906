package com.quiltdata.edp.packager.port;

import java.util.function.Consumer;

/** Lists the current objects under a folder: latest versions only, no delete markers. */
public interface ObjectLister {
    void listLatest(String bucket, String folder, Consumer<ListedObject> sink);
}

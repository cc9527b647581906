package com.quiltdata.edp.cli.local;

import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.packager.RejectedException;

/** The folder adapters serve one bucket, the local folder; anything else is a request they cannot do. */
final class LocalBuckets {
    private LocalBuckets() {}

    static void require(LocalFolder folder, String bucket) {
        if (!folder.bucket().equals(bucket)) {
            throw new RejectedException("bucket " + Bounded.quoted(bucket) + " is not the local folder '" + folder.bucket()
                    + "' (" + folder.root() + "); edp local packages only its own folder");
        }
    }
}

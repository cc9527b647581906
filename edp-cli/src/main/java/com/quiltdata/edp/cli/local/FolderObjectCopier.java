package com.quiltdata.edp.cli.local;

import com.quiltdata.edp.packager.RejectedException;
import com.quiltdata.edp.packager.port.ListedObject;
import com.quiltdata.edp.packager.port.ObjectCopier;

/** A local registry points at the files where they are; copying them ({@code should_copy}) is refused. */
public final class FolderObjectCopier implements ObjectCopier {
    @Override
    public Copied copy(ListedObject source, String destinationBucket, String destinationKey) {
        throw new RejectedException("should_copy is not supported for a local folder: its packages point at the files in place");
    }
}

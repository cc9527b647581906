package com.quiltdata.edp.packager.port;

import com.quiltdata.edp.packager.domain.Checksum;
import com.quiltdata.edp.packager.domain.PhysicalKey;

/** Copies an object (for {@code should_copy}) and returns where the copy is and its manifest hash. */
public interface ObjectCopier {
    Copied copy(ListedObject source, String destinationBucket, String destinationKey);

    record Copied(PhysicalKey location, Checksum checksum) {}
}

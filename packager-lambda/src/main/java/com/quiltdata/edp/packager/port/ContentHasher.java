package com.quiltdata.edp.packager.port;

import com.quiltdata.edp.packager.domain.Checksum;

/** The manifest hash of one object's bytes ({@code sha2-256-chunked}), however it is best obtained. */
public interface ContentHasher {
    Checksum checksum(ListedObject object);
}

package com.quiltdata.edp.packager.port;

import java.util.Optional;
import java.util.Set;

/**
 * The latest version of one object under the package's folder, as the listing shows it.
 *
 * @param checksumAlgorithms what the listing says S3 holds (e.g. SHA256, CRC32); empty = not reported
 */
public record ListedObject(String bucket, String key, Optional<String> versionId, long size, Set<String> checksumAlgorithms) {
    public ListedObject {
        versionId = versionId == null ? Optional.empty() : versionId;
        checksumAlgorithms = checksumAlgorithms == null ? Set.of() : Set.copyOf(checksumAlgorithms);
    }
}

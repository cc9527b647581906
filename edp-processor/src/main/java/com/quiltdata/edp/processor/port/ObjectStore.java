package com.quiltdata.edp.processor.port;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The object storage a batch is read from and its outputs written to. */
public interface ObjectStore {
    /** Every object under the prefix, all pages, in key order. */
    List<StoredObject> list(String bucket, String prefix);

    /** Streams one object (the given version, or the latest when {@code versionId} is null) into a new file. */
    void download(String bucket, String key, String versionId, Path target);

    /** The base64 SHA-256 the store keeps for an object, or empty when it is absent or has none. */
    Optional<String> sha256(String bucket, String key);

    /** Writes a file, sending its base64 SHA-256 so that the store checks and keeps it. */
    void upload(String bucket, String key, Path file, String sha256);
}

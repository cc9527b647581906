package com.quiltdata.edp.packager.port;

import com.quiltdata.edp.packager.domain.PackageName;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * A Quilt registry (layout V1): manifests under {@code .quilt/packages/<top hash>}, revision
 * pointers under {@code .quilt/named_packages/<name>/<unix seconds>} and {@code latest}.
 * {@code registry} names it (today an S3 bucket).
 */
public interface PackageRegistry {
    Optional<String> latest(String registry, PackageName name);

    boolean hasManifest(String registry, String topHash);

    /**
     * Streams the manifest of {@code topHash} through {@code reader} (never held whole); empty when the
     * registry has no such manifest.
     */
    <T> Optional<T> readManifest(String registry, String topHash, Function<InputStream, T> reader);

    /** Stores the manifest file (written by the caller) under its top hash. */
    void putManifest(String registry, String topHash, Path manifest);

    /** Writes the timestamp pointer {@code <unix seconds of when>} holding the top hash (overwriting one of the same second). */
    void putPointer(String registry, PackageName name, Instant when, String topHash);

    /** Points {@code latest} at the top hash. */
    void setLatest(String registry, PackageName name, String topHash);

    /** {@code .quilt/workflows/config.yml} of the registry, if there is one. */
    Optional<ObjectReader.StoredText> workflowsConfig(String registry);

    /** Reads a workflow schema the config points at (an s3:// URL in an S3 registry). */
    Optional<ObjectReader.StoredText> schema(String registry, String url);
}

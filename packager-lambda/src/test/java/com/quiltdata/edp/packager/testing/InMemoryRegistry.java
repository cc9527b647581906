package com.quiltdata.edp.packager.testing;

import com.quiltdata.edp.packager.domain.PackageName;
import com.quiltdata.edp.packager.port.ObjectReader.StoredText;
import com.quiltdata.edp.packager.port.PackageRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** A registry as a map of paths to contents (the same relative layout as an S3 or local registry). */
public final class InMemoryRegistry implements PackageRegistry {
    public final Map<String, byte[]> files = new HashMap<>();
    public Optional<StoredText> config = Optional.empty();

    @Override
    public synchronized Optional<String> latest(String registry, PackageName name) {
        byte[] b = files.get(registry + "/.quilt/named_packages/" + name + "/latest");
        return b == null ? Optional.empty() : Optional.of(new String(b));
    }

    @Override
    public synchronized boolean hasManifest(String registry, String topHash) {
        return files.containsKey(registry + "/.quilt/packages/" + topHash);
    }

    @Override
    public <T> Optional<T> readManifest(String registry, String topHash, Function<InputStream, T> read) {
        byte[] manifest;
        synchronized (this) {
            manifest = files.get(registry + "/.quilt/packages/" + topHash);
        }
        return manifest == null ? Optional.empty() : Optional.of(read.apply(new ByteArrayInputStream(manifest)));
    }

    @Override
    public synchronized void putManifest(String registry, String topHash, Path manifest) {
        try {
            files.put(registry + "/.quilt/packages/" + topHash, Files.readAllBytes(manifest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void putPointer(String registry, PackageName name, Instant when, String topHash) {
        files.put(registry + "/.quilt/named_packages/" + name + "/" + when.getEpochSecond(), topHash.getBytes());
    }

    @Override
    public synchronized void setLatest(String registry, PackageName name, String topHash) {
        files.put(registry + "/.quilt/named_packages/" + name + "/latest", topHash.getBytes());
    }

    @Override
    public Optional<StoredText> workflowsConfig(String registry) {
        return config;
    }

    @Override
    public Optional<StoredText> schema(String registry, String url) {
        return Optional.empty();
    }
}

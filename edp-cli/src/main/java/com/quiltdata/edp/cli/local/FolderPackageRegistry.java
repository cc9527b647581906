package com.quiltdata.edp.cli.local;

import com.quiltdata.edp.packager.RejectedException;
import com.quiltdata.edp.packager.domain.PackageName;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.port.ObjectReader;
import com.quiltdata.edp.packager.port.ObjectReader.StoredText;
import com.quiltdata.edp.packager.port.PackageRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * A local Quilt registry (layout V1) in {@code <folder>/.quilt/}: the files quilt3 writes with
 * {@code Package.build(name, registry="file:///folder")}, so {@code Package.browse} reads them.
 * Each file is written to a temporary name and moved into place, so readers never see half a file.
 */
public final class FolderPackageRegistry implements PackageRegistry {
    private static final int MAX_CONFIG_BYTES = 1 << 20;
    private final LocalFolder folder;
    private final ObjectReader reader;

    public FolderPackageRegistry(LocalFolder folder, ObjectReader reader) {
        this.folder = folder;
        this.reader = reader;
    }

    public Path manifest(String topHash) {
        return folder.registry().resolve("packages").resolve(topHash);
    }

    public Path pointers(PackageName name) {
        return folder.registry().resolve("named_packages").resolve(name.namespace()).resolve(name.name());
    }

    @Override
    public Optional<String> latest(String registry, PackageName name) {
        LocalBuckets.require(folder, registry);
        Path latest = pointers(name).resolve("latest");
        try {
            return Files.exists(latest) ? Optional.of(Files.readString(latest).trim()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean hasManifest(String registry, String topHash) {
        LocalBuckets.require(folder, registry);
        return Files.exists(manifest(topHash));
    }

    @Override
    public <T> Optional<T> readManifest(String registry, String topHash, Function<InputStream, T> read) {
        LocalBuckets.require(folder, registry);
        Path file = manifest(topHash);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Optional.of(read.apply(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void putManifest(String registry, String topHash, Path manifestFile) {
        LocalBuckets.require(folder, registry);
        writeAtomically(manifest(topHash), tmp -> Files.copy(manifestFile, tmp, StandardCopyOption.REPLACE_EXISTING));
    }

    @Override
    public void putPointer(String registry, PackageName name, Instant when, String topHash) {
        LocalBuckets.require(folder, registry);
        write(pointers(name).resolve(Long.toString(when.getEpochSecond())), topHash);
    }

    @Override
    public void setLatest(String registry, PackageName name, String topHash) {
        LocalBuckets.require(folder, registry);
        write(pointers(name).resolve("latest"), topHash);
    }

    private static void write(Path target, String text) {
        writeAtomically(target, tmp -> Files.writeString(tmp, text, StandardCharsets.US_ASCII));
    }

    /** Fills a temporary file beside the target, then renames it, so readers never see half a file. */
    private static void writeAtomically(Path target, Fill fill) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".tmp-", "");
            fill.into(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    @FunctionalInterface
    private interface Fill {
        void into(Path file) throws IOException;
    }

    @Override
    public Optional<StoredText> workflowsConfig(String registry) {
        LocalBuckets.require(folder, registry);
        return reader.read(PhysicalKey.file(folder.registry().resolve("workflows").resolve("config.yml")), MAX_CONFIG_BYTES);
    }

    @Override
    public Optional<StoredText> schema(String registry, String url) {
        PhysicalKey location;
        try {
            location = PhysicalKey.parse(url);
        } catch (IllegalArgumentException e) {
            throw new RejectedException("workflow schema URL " + url + ": " + e.getMessage());
        }
        return reader.read(location, MAX_CONFIG_BYTES);
    }
}

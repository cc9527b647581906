package com.quiltdata.edp.packager;

import com.quiltdata.edp.packager.domain.ManifestEntry;
import com.quiltdata.edp.packager.domain.ManifestHeader;
import com.quiltdata.edp.packager.domain.ManifestWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A manifest written to a temporary file, with its top hash and sizes; closing it deletes the file.
 * A manifest the format cannot hold (a line over its limit) is the request's fault.
 */
final class ManifestFile implements AutoCloseable {
    private final Path path;
    private final ManifestWriter.Written written;

    private ManifestFile(Path path, ManifestWriter.Written written) {
        this.path = path;
        this.written = written;
    }

    static ManifestFile write(Path tempDir, ManifestHeader header, List<ManifestEntry> entries) {
        Path path;
        try {
            path = Files.createTempFile(tempDir, "manifest", ".jsonl");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the manifest to a temporary file", e);
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
            ManifestWriter writer = new ManifestWriter(out, header);
            for (ManifestEntry entry : entries) {
                writer.add(entry);
            }
            return new ManifestFile(path, writer.finish());
        } catch (IllegalArgumentException e) {
            delete(path);
            throw new RejectedException(e.getMessage(), e);
        } catch (IOException e) {
            delete(path);
            throw new UncheckedIOException("cannot write the manifest to a temporary file", e);
        } catch (RuntimeException e) {
            delete(path);
            throw e;
        }
    }

    Path path() {
        return path;
    }

    ManifestWriter.Written written() {
        return written;
    }

    @Override
    public void close() {
        delete(path);
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover temp file is harmless; the next invocation writes another
        }
    }
}

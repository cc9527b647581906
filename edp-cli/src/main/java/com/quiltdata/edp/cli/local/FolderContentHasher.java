package com.quiltdata.edp.cli.local;

import com.quiltdata.edp.packager.manifest.Checksum;
import com.quiltdata.edp.packager.manifest.ChunkedChecksum;
import com.quiltdata.edp.packager.port.ContentHasher;
import com.quiltdata.edp.packager.port.ListedObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams a file through the packager's {@code sha2-256-chunked} checksum: one buffer in memory
 * whatever the size. A file that changed size since it was listed fails; the batch is retried.
 */
public final class FolderContentHasher implements ContentHasher {
    private static final int BUFFER = 1 << 20;
    private final LocalFolder folder;

    public FolderContentHasher(LocalFolder folder) {
        this.folder = folder;
    }

    @Override
    public Checksum checksum(ListedObject object) {
        return hash(folder.file(object.key()), object.size());
    }

    /** The manifest hash of a file's bytes, expecting {@code size} bytes. */
    public static Checksum hash(Path file, long size) {
        ChunkedChecksum checksum = new ChunkedChecksum(size);
        byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(1, size))];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                checksum.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        try {
            return checksum.finish();
        } catch (IllegalStateException e) {
            throw new IllegalStateException(file + " changed while it was being hashed: " + e.getMessage(), e);
        }
    }
}

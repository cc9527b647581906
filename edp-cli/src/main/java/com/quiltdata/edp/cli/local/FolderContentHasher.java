package com.quiltdata.edp.cli.local;

import com.quiltdata.edp.packager.domain.Checksum;
import com.quiltdata.edp.packager.domain.HashType;
import com.quiltdata.edp.packager.domain.StreamingHash;
import com.quiltdata.edp.packager.port.ContentHasher;
import com.quiltdata.edp.packager.port.ListedObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams a file through the manifest hash ({@code sha2-256-chunked}, or {@code CRC64NVME} when
 * chosen): one buffer in memory whatever the size. A file that changed size since it was listed
 * fails; the batch is retried.
 */
public final class FolderContentHasher implements ContentHasher {
    private static final int BUFFER = 1 << 20;
    private final LocalFolder folder;
    private final HashType hashType;

    public FolderContentHasher(LocalFolder folder) {
        this(folder, HashType.SHA2_256_CHUNKED);
    }

    public FolderContentHasher(LocalFolder folder, HashType hashType) {
        this.folder = folder;
        this.hashType = hashType;
    }

    @Override
    public Checksum checksum(ListedObject object) {
        if (folder.throughLink(object.key())) {
            throw new IllegalStateException(object.key() + " is now reached through a symbolic link, which edp local does not follow out of "
                    + folder.root());
        }
        return hash(folder.file(object.key()), object.size(), hashType);
    }

    /** The {@code sha2-256-chunked} hash of a file's bytes, expecting {@code size} bytes. */
    public static Checksum hash(Path file, long size) {
        return hash(file, size, HashType.SHA2_256_CHUNKED);
    }

    /** The manifest hash of a file's bytes, expecting {@code size} bytes. */
    public static Checksum hash(Path file, long size, HashType type) {
        StreamingHash checksum = type.streaming(size);
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

package com.quiltdata.edp.cli.local;

import com.quiltdata.edp.packager.domain.Checksum;
import com.quiltdata.edp.packager.domain.ChunkedChecksum;
import com.quiltdata.edp.packager.domain.Crc64Nvme;
import com.quiltdata.edp.packager.domain.HashType;
import com.quiltdata.edp.packager.domain.StreamingHash;
import com.quiltdata.edp.packager.port.ContentHasher;
import com.quiltdata.edp.packager.port.ListedObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.stream.IntStream;

/**
 * Streams a file through the manifest hash ({@code sha2-256-chunked}, or {@code CRC64NVME} when
 * chosen): one buffer in memory whatever the size. A file of more than one Quilt chunk (8 MiB) has
 * its chunks hashed in parallel, one per core, and the chunk values combined, as S3 combines part
 * checksums: a few large files then use every core, not one each. A file that changed size since it
 * was listed fails; the batch is retried.
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
        long[] chunks = ChunkedChecksum.partSizes(size);
        if (chunks.length > 1 && Chunks.POOL.getParallelism() > 1) {
            return inChunks(file, size, chunks, type);
        }
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
            throw changed(file, e.getMessage());
        }
    }

    /** Threads for the chunks of large files, started on the first one (a folder of small files never starts them). */
    private static final class Chunks {
        static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors(), pool -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("edp-chunk-hash-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    /** Each chunk read with positional reads and hashed on its own; the values combined as Quilt (or S3) does. */
    private static Checksum inChunks(Path file, long size, long[] chunks, HashType type) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() != size) {
                throw changed(file, "it has " + channel.size() + " bytes, " + size + " were listed");
            }
            long chunk = chunks[0];
            ForkJoinTask<List<byte[]>> task = Chunks.POOL.submit(() -> IntStream.range(0, chunks.length).parallel()
                    .mapToObj(i -> chunk(channel, file, i * chunk, chunks[i], type)).toList());
            List<byte[]> values = task.get();
            if (type == HashType.CRC64NVME) {
                List<String> crcs = new ArrayList<>(values.size());
                for (byte[] v : values) {
                    crcs.add(Base64.getEncoder().encodeToString(v));
                }
                return Crc64Nvme.fromPartCrcs(crcs, chunks);
            }
            return ChunkedChecksum.fromPartDigests(values);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing " + file, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("cannot hash " + file, e.getCause());
        }
    }

    /** One chunk's raw value: its SHA-256 digest, or its CRC-64/NVME as 8 big-endian bytes. */
    private static byte[] chunk(FileChannel channel, Path file, long from, long length, HashType type) {
        MessageDigest sha = type == HashType.CRC64NVME ? null : ChunkedChecksum.sha256();
        Crc64Nvme crc = type == HashType.CRC64NVME ? new Crc64Nvme(length) : null;
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(BUFFER, length));
        long done = 0;
        try {
            while (done < length) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), length - done));
                int n = channel.read(buffer, from + done);
                if (n < 0) {
                    throw changed(file, "it ended at " + (from + done) + " bytes");
                }
                if (sha != null) {
                    sha.update(buffer.array(), 0, n);
                } else {
                    crc.update(buffer.array(), 0, n);
                }
                done += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return sha != null ? sha.digest() : Base64.getDecoder().decode(crc.finish().value());
    }

    private static IllegalStateException changed(Path file, String how) {
        return new IllegalStateException(file + " changed while it was being hashed: " + how);
    }
}

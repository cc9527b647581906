package com.quiltdata.edp.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.packager.domain.Checksum;
import com.quiltdata.edp.packager.domain.HashType;
import com.quiltdata.edp.packager.domain.StreamingHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files of more than one Quilt chunk are hashed chunk by chunk in parallel: the combined value must
 * equal the hash of the bytes fed in order, for both hash types and at chunk boundaries.
 */
class FolderContentHasherTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private static Checksum inOrder(byte[] data, HashType type) {
        StreamingHash h = type.streaming(data.length);
        h.update(data, 0, data.length);
        return h.finish();
    }

    @Test
    void shouldGiveTheInOrderValueWhenChunksAreHashedInParallel() throws Exception {
        for (int size : new int[] {8 * MIB, 8 * MIB + 1, 17 * MIB + 3, 24 * MIB}) {
            byte[] data = new byte[size];
            new Random(size).nextBytes(data);
            Path file = Files.write(dir.resolve("f" + size), data);
            for (HashType type : HashType.values()) {
                assertEquals(inOrder(data, type), FolderContentHasher.hash(file, size, type), size + " bytes, " + type);
            }
        }
    }

    @Test
    void shouldRefuseALargeFileWhoseSizeChangedSinceItWasListed() throws Exception {
        byte[] data = new byte[9 * MIB];
        Path file = Files.write(dir.resolve("grown"), data);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> FolderContentHasher.hash(file, 9 * MIB - 1, HashType.SHA2_256_CHUNKED));
        assertTrue(e.getMessage().contains("changed while it was being hashed"), e.getMessage());
    }
}

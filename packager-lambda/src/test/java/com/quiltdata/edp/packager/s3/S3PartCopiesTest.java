package com.quiltdata.edp.packager.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.packager.domain.ChunkedChecksum;
import com.quiltdata.edp.packager.domain.HashType;
import com.quiltdata.edp.packager.port.ListedObject;
import com.quiltdata.edp.packager.port.ObjectCopier;
import com.quiltdata.edp.packager.testing.StandInS3;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;

/**
 * The one part-copy loop (S3PartCopies) through both of its callers, the checksum-by-copy shortcut
 * and {@code should_copy}, against the S3 stand-in, which (unlike S3Mock) returns the checksum S3
 * computes for each copied part: the values combined from the parts must equal the hash of the bytes.
 */
class S3PartCopiesTest {
    private static final int MIB = 1024 * 1024;
    private StandInS3 stand;
    private S3Client s3;

    @BeforeEach
    void start() {
        stand = StandInS3.start(0).copiesWithChecksums(true);
        stand.createBucket("lab");
        stand.createBucket("registry");
        s3 = stand.client();
    }

    @AfterEach
    void stop() {
        stand.close();
    }

    private ListedObject put(String key, byte[] data) {
        stand.put("lab", key, StandInS3.single(data, 0, data.length, false, null));
        return new ListedObject("lab", key, Optional.empty(), data.length, Set.of());
    }

    @Test
    void shouldCopyEachQuiltChunkAsOnePartAndStopAtTheFirstPartWithoutAChecksum() {
        byte[] data = S3AdaptersTest.pattern(17 * MIB + 3);
        ListedObject source = put("big.bin", data);
        long[] sizes = ChunkedChecksum.partSizes(data.length);
        String upload = s3.createMultipartUpload(r -> r.bucket("lab").key("scratch").checksumAlgorithm(ChecksumAlgorithm.SHA256))
                .uploadId();
        int[] copies = {0};
        List<S3PartCopies.Part> parts = S3PartCopies.copy(s3, source, "lab", "scratch", upload, sizes, HashType.SHA2_256_CHUNKED,
                () -> copies[0]++).orElseThrow();
        assertEquals(3, copies[0]);
        assertEquals(List.of(1, 2, 3), parts.stream().map(S3PartCopies.Part::number).toList());
        assertEquals(S3AdaptersTest.expected(data), S3PartCopies.combine(parts, sizes, HashType.SHA2_256_CHUNKED));

        // an upload created without a checksum algorithm: S3 returns none, the loop stops after one copy
        String plain = s3.createMultipartUpload(r -> r.bucket("lab").key("scratch-2")).uploadId();
        copies[0] = 0;
        assertTrue(S3PartCopies.copy(s3, source, "lab", "scratch-2", plain, sizes, HashType.SHA2_256_CHUNKED, () -> copies[0]++)
                .isEmpty());
        assertEquals(1, copies[0]);
    }

    @Test
    void shouldGetTheChecksumFromPartCopiesWithNoByteReadAndNoUploadLeftOpen() {
        byte[] big = S3AdaptersTest.pattern(17 * MIB + 3);
        byte[] small = S3AdaptersTest.pattern(3 * MIB);
        ListedObject bigSource = put("c/big.bin", big);
        ListedObject smallSource = put("c/small.bin", small);

        S3ContentHasher sha = new S3ContentHasher(s3, new S3ContentHasher.Options(false, true));
        assertEquals(S3AdaptersTest.expected(big), sha.checksum(bigSource));
        assertEquals(S3AdaptersTest.expected(small), sha.checksum(smallSource));
        assertEquals(4, sha.partCopies(), sha.counts());
        assertEquals(2, sha.serverSideCount(), sha.counts());

        S3ContentHasher crc = new S3ContentHasher(s3, new S3ContentHasher.Options(false, true, HashType.CRC64NVME));
        assertEquals(S3AdaptersTest.expectedCrc64(big), crc.checksum(bigSource));
        // CRC64NVME parts may be up to 5 GiB: one copy for the whole object
        assertEquals(1, crc.partCopies(), crc.counts());

        assertEquals(0, sha.downloadedBytes() + crc.downloadedBytes());
        assertEquals(0, stand.bytesServed());
        assertEquals(0, stand.openUploads());
    }

    @Test
    void shouldCopyInQuiltPartsWhoseChecksumsAreTheManifestValue() {
        byte[] big = S3AdaptersTest.pattern(17 * MIB + 3);
        ListedObject source = put("src/big.bin", big);
        S3ContentHasher fallback = new S3ContentHasher(s3, new S3ContentHasher.Options(false, false));
        for (HashType type : HashType.values()) {
            ObjectCopier.Copied copied = new S3ObjectCopier(s3, fallback, type).copy(source, "registry", "pkg/" + type + "/big.bin");
            assertEquals(type == HashType.CRC64NVME ? S3AdaptersTest.expectedCrc64(big) : S3AdaptersTest.expected(big),
                    copied.checksum(), type.toString());
            assertArrayEquals(big, stand.bytes("registry", "pkg/" + type + "/big.bin"));
        }
        // the values came from the part copies, not from reading the copies back
        assertEquals(0, fallback.streamedCount());
        assertEquals(0, stand.openUploads());
    }
}

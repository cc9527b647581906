package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkedChecksumTest {
    private static final int MIB = 1024 * 1024;

    @Test
    void shouldMatchQuilt3AtTheChunkBoundaries_publicVectors() {
        for (JsonNode v : Golden.load("chunked-checksums-public.json").get("vectors")) {
            long size = v.get("size").longValue();
            assertEquals(v.get("sha2_256_chunked_value_base64").textValue(), hashPattern(size, false).value(),
                    v.get("label").textValue());
            assertEquals(v.get("checksum_chunksize").longValue(), ChunkedChecksum.chunkSize(size));
        }
    }

    @Test
    void shouldMatchQuilt3AtTheChunkBoundaries_repeatedByteVectors() {
        for (JsonNode v : Golden.load("chunked-checksums-aaaa.json").get("vectors")) {
            long size = v.get("size").longValue();
            assertEquals(v.get("sha2_256_chunked").textValue(), hashPattern(size, true).value(), v.get("label").textValue());
            assertEquals(v.get("num_parts").intValue(), ChunkedChecksum.partSizes(size).length);
            // and from the S3 single-PUT SHA-256 where that is valid (up to 8 MiB)
            if (size <= ChunkedChecksum.MIN_CHUNK) {
                assertEquals(v.get("sha2_256_chunked").textValue(), ChunkedChecksum.fromFullObjectSha256(
                        v.get("s3_single_put_ChecksumSHA256").textValue(), size).value());
            }
            // and from the part digests, as an S3 composite checksum gives them
            List<byte[]> parts = new ArrayList<>();
            v.get("part_sha256_hex").forEach(h -> parts.add(HexFormat.of().parseHex(h.textValue())));
            assertEquals(v.get("sha2_256_chunked").textValue(), ChunkedChecksum.fromPartDigests(parts).value());
        }
    }

    @Test
    void shouldListTheDocumentedChunkSizes() {
        for (JsonNode row : Golden.load("chunked-checksums-public.json").get("chunksize_table")) {
            long size = row.get("size").longValue();
            assertEquals(row.get("chunksize").longValue(), ChunkedChecksum.chunkSize(size), "size " + size);
            assertEquals(row.get("num_parts").intValue(), ChunkedChecksum.partSizes(size).length, "size " + size);
        }
    }

    @ParameterizedTest
    @CsvSource({"0,0", "1,1", "8388607,1", "8388608,1", "8388609,2", "16777216,2", "16777217,3", "20971520,3"})
    void shouldSplitIntoQuiltSizedParts(long size, int parts) {
        long[] sizes = ChunkedChecksum.partSizes(size);
        assertEquals(parts, sizes.length);
        long sum = 0;
        for (long s : sizes) {
            sum += s;
        }
        assertEquals(size, sum);
    }

    @Test
    void shouldNotDependOnHowTheBytesAreFed() throws Exception {
        // Given 20 MiB fed in odd-sized pieces vs in one go
        byte[] data = pattern(20 * MIB, false);
        ChunkedChecksum odd = new ChunkedChecksum(data.length);
        int offset = 0;
        int step = 12_345;
        while (offset < data.length) {
            int n = Math.min(step, data.length - offset);
            odd.update(data, offset, n);
            offset += n;
            step = step * 3 % 1_000_003 + 1;
        }
        // Then the value is the documented one for 20 MiB of i mod 251
        assertEquals("4pJ+jcrcQml9inpWNdCVlzLyR1NtbapsvW052ozmjBI=", odd.finish().value());
        // and it equals sha256 over the concatenated part digests
        MessageDigest outer = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 3; i++) {
            int from = i * 8 * MIB;
            int to = Math.min(data.length, from + 8 * MIB);
            MessageDigest part = MessageDigest.getInstance("SHA-256");
            part.update(data, from, to - from);
            outer.update(part.digest());
        }
        assertArrayEquals(outer.digest(), Base64.getDecoder().decode("4pJ+jcrcQml9inpWNdCVlzLyR1NtbapsvW052ozmjBI="));
    }

    @ParameterizedTest
    @CsvSource({
        "8388607,bqQRV+JaFcU94pfcCQbzVSTJOifYCOX45YrLdBMgfUA=",
        "8388608,whpkwkcwr96hravZsp8gSFeGK+8jfS3ufa9dUl1DIT8=",
        "8388609,OmHzEEK1X/fcxCt/TNolpgxlag/1Ex0mKs05HJHI8vk=",
        "16777216,ft2PsVyCM81w/LVaSmHXz+f2fOBl44gAWMLPuYSXnmU="
    })
    void shouldMatchTheDocumentedBoundaryValues(long size, String expected) {
        assertEquals(expected, hashPattern(size, false).value());
    }

    private static Checksum hashPattern(long size, boolean repeatedA) {
        byte[] data = pattern((int) size, repeatedA);
        ChunkedChecksum c = new ChunkedChecksum(size);
        c.update(data, 0, data.length);
        return c.finish();
    }

    static byte[] pattern(int size, boolean repeatedA) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = repeatedA ? (byte) 'a' : (byte) (i % 251);
        }
        return data;
    }
}

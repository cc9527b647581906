package com.quiltdata.edp.packager.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.packager.PackageOutcome;
import com.quiltdata.edp.packager.PackagePrefix;
import com.quiltdata.edp.packager.PackagerWiring;
import com.quiltdata.edp.packager.domain.Checksum;
import com.quiltdata.edp.packager.domain.Crc64Nvme;
import com.quiltdata.edp.packager.domain.HashType;
import com.quiltdata.edp.packager.domain.PackageRequest;
import com.quiltdata.edp.packager.testing.S3Packaging;
import com.quiltdata.edp.packager.testing.StandInS3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * CRC64NVME end to end over HTTP with the real SDK client, against the S3 stand-in (S3Mock lists
 * an object's CRC64NVME but does not return its value on HeadObject).
 */
class Crc64FromS3Test {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path work;

    private static byte[] pattern(int size) {
        return S3AdaptersTest.pattern(size);
    }

    private static String crc64(byte[] data, int offset, int length) {
        return S3AdaptersTest.expectedCrc64(Arrays.copyOfRange(data, offset, offset + length)).value();
    }

    @Test
    void shouldPackageObjectsHoldingCrc64NvmeFromHeadAloneWithNoByteReadAndNoCopy() throws Exception {
        byte[] data = pattern(20 * MIB);
        Map<String, String> expected = new HashMap<>();
        try (StandInS3 s3stand = StandInS3.start(0)) {
            s3stand.createBucket("lab-data");
            int[][] objects = {{0, 3 * MIB}, {5, 20 * MIB - 5}, {7, 0}, {11, 1}};
            for (int i = 0; i < objects.length; i++) {
                int offset = objects[i][0];
                int length = objects[i][1];
                String crc = length == 0 ? null : crc64(data, offset, length);
                s3stand.put("lab-data", "run/" + i + ".bin", StandInS3.single(data, offset, length, false, crc));
                expected.put(i + ".bin", length == 0 ? Crc64Nvme.EMPTY : crc);
            }
            S3Client s3 = s3stand.client();
            S3ContentHasher hasher = new S3ContentHasher(s3, S3ContentHasher.Options.defaults(HashType.CRC64NVME));
            PackageOutcome outcome = packager(s3, hasher, HashType.CRC64NVME).run(request("lab-data", "run/", "lab/run"));

            assertEquals(PackageOutcome.Kind.CREATED, outcome.kind());
            assertEquals(0, hasher.downloadedBytes());
            assertEquals(0, hasher.partCopies());
            assertEquals(3, hasher.storedCount(), hasher.counts());
            assertEquals(0, s3stand.bytesServed());
            String manifest = s3.getObjectAsBytes(r -> r.bucket("lab-data").key(".quilt/packages/" + outcome.topHash()))
                    .asString(StandardCharsets.UTF_8);
            String[] lines = manifest.split("\n");
            assertEquals(5, lines.length);
            for (int i = 1; i < lines.length; i++) {
                JsonNode entry = Json.parse(lines[i]);
                Checksum hash = new Checksum(entry.path("hash").path("type").asText(), entry.path("hash").path("value").asText());
                assertEquals(Checksum.crc64(expected.get(entry.get("logical_key").asText())), hash, lines[i]);
            }
            assertTrue(lines[1].contains("\"hash\": {\"type\": \"CRC64NVME\", \"value\": "), lines[1]);
        }
    }

    @Test
    void shouldStreamCrc64NvmeForAnObjectHoldingOnlySha256() throws Exception {
        byte[] data = pattern(2 * MIB);
        try (StandInS3 s3stand = StandInS3.start(0)) {
            s3stand.createBucket("lab-data");
            s3stand.put("lab-data", "sha/a.bin", StandInS3.single(data, 0, data.length, true, null));
            S3Client s3 = s3stand.client();
            S3ContentHasher hasher = new S3ContentHasher(s3, S3ContentHasher.Options.defaults(HashType.CRC64NVME));
            packager(s3, hasher, HashType.CRC64NVME).run(request("lab-data", "sha/", "lab/sha"));
            // the listing says SHA256 only: no HEAD for a CRC; the stand-in refuses the copy (501), so the bytes are read
            assertEquals(1, hasher.streamedCount(), hasher.counts());
            assertEquals(data.length, hasher.downloadedBytes());
        }
    }

    private static PackagePrefix packager(S3Client s3, S3ContentHasher hasher, HashType type) {
        return S3Packaging.packager(s3, hasher, type, PackagerWiring.workers(4), Path.of(System.getProperty("java.io.tmpdir")));
    }

    private static PackageRequest request(String bucket, String folder, String name) {
        return S3Packaging.request(bucket, folder, name);
    }
}

package com.quiltdata.edp.packager.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.packager.domain.Checksum;
import com.quiltdata.edp.packager.domain.ChunkedChecksum;
import com.quiltdata.edp.packager.domain.Crc64Nvme;
import com.quiltdata.edp.packager.domain.HashType;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.port.ListedObject;
import com.quiltdata.edp.packager.port.ObjectCopier;
import com.quiltdata.edp.testing.InProcessS3;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The S3 adapters against S3Mock: listing, each checksum path, copies, the registry layout. */
class S3AdaptersTest {
    private static final int MIB = 1024 * 1024;
    private static InProcessS3 s3mock;
    private static S3Client s3;

    @BeforeAll
    static void start() {
        s3mock = InProcessS3.start();
        s3 = s3mock.client();
        s3mock.createBucket("versioned", true);
        s3mock.createBucket("plain", false);
    }

    @AfterAll
    static void stop() {
        s3mock.close();
    }

    static byte[] pattern(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i % 251);
        }
        return data;
    }

    static Checksum expected(byte[] data) {
        ChunkedChecksum c = new ChunkedChecksum(data.length);
        c.update(data, 0, data.length);
        return c.finish();
    }

    private static List<ListedObject> list(String bucket, String folder) {
        List<ListedObject> out = new ArrayList<>();
        new S3ObjectLister(s3).listLatest(bucket, folder, out::add);
        return out;
    }

    private static ListedObject listed(String bucket, String key) {
        return list(bucket, key).stream().filter(o -> o.key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void shouldListLatestVersionsPinnedAndSkipDeleted() {
        s3.putObject(r -> r.bucket("versioned").key("l/a.txt"), RequestBody.fromString("one"));
        s3.putObject(r -> r.bucket("versioned").key("l/a.txt"), RequestBody.fromString("two!"));
        s3.putObject(r -> r.bucket("versioned").key("l/gone.txt"), RequestBody.fromString("x"));
        s3.deleteObject(r -> r.bucket("versioned").key("l/gone.txt"));
        List<ListedObject> objects = list("versioned", "l/");
        assertEquals(1, objects.size());
        assertEquals(4, objects.get(0).size());
        assertTrue(objects.get(0).versionId().isPresent());
        String latest = s3.headObject(r -> r.bucket("versioned").key("l/a.txt")).versionId();
        assertEquals(latest, objects.get(0).versionId().get());
    }

    @Test
    void shouldListUnversionedObjectsWithoutVersion() {
        s3.putObject(r -> r.bucket("plain").key("u/a b+c é.txt"), RequestBody.fromString("x"));
        List<ListedObject> objects = list("plain", "u/");
        assertEquals(1, objects.size());
        assertEquals("u/a b+c é.txt", objects.get(0).key());
        assertFalse(objects.get(0).versionId().isPresent());
    }

    @Test
    void shouldTakeASmallObjectsStoredSha256WithoutDownloading() {
        byte[] data = pattern(1000);
        s3.putObject(r -> r.bucket("versioned").key("c/small.bin").checksumAlgorithm(ChecksumAlgorithm.SHA256),
                RequestBody.fromBytes(data));
        S3ContentHasher hasher = new S3ContentHasher(s3, new S3ContentHasher.Options(true, false));
        assertEquals(expected(data), hasher.checksum(listed("versioned", "c/small.bin")));
        assertEquals(0, hasher.downloadedBytes());
        assertEquals(1, hasher.storedCount());
    }

    @Test
    void shouldTakeAMultipartSha256WhenThePartsAreQuiltChunks() {
        byte[] data = pattern(8 * MIB + 1000);
        multipart("versioned", "c/quilt-parts.bin", data, 8 * MIB);
        S3ContentHasher hasher = new S3ContentHasher(s3, new S3ContentHasher.Options(true, false));
        assertEquals(expected(data), hasher.checksum(listed("versioned", "c/quilt-parts.bin")));
        assertEquals(0, hasher.downloadedBytes());
    }

    @Test
    void shouldTakeAOnePartMultipartSha256AsIsNotHashAgain() {
        // quilt-format 6.2: a one-part upload reports X-1, which already is sha256(sha256(data))
        byte[] data = pattern(3000);
        multipart("versioned", "c/one-part.bin", data, 8 * MIB);
        S3ContentHasher hasher = new S3ContentHasher(s3, new S3ContentHasher.Options(true, false));
        assertEquals(expected(data), hasher.checksum(listed("versioned", "c/one-part.bin")));
        assertEquals(0, hasher.downloadedBytes());
    }

    @Test
    void shouldNotTrustAMultipartSha256WithOtherPartSizes() {
        byte[] data = pattern(12 * MIB);
        multipart("versioned", "c/odd-parts.bin", data, 5 * MIB);
        S3ContentHasher hasher = new S3ContentHasher(s3, new S3ContentHasher.Options(true, false));
        assertEquals(expected(data), hasher.checksum(listed("versioned", "c/odd-parts.bin")));
        assertEquals(data.length, hasher.downloadedBytes());
    }

    @Test
    void shouldStreamAnObjectWithoutSha256() {
        byte[] data = pattern(3 * MIB);
        s3.putObject(r -> r.bucket("plain").key("c/crc.bin"), RequestBody.fromBytes(data));
        S3ContentHasher hasher = new S3ContentHasher(s3, new S3ContentHasher.Options(true, false));
        assertEquals(expected(data), hasher.checksum(listed("plain", "c/crc.bin")));
        assertEquals(data.length, hasher.downloadedBytes());
    }

    @Test
    void shouldLetS3ComputeTheChecksumByCopyOrFallBackToStreaming() {
        byte[] data = pattern(9 * MIB);
        s3.putObject(r -> r.bucket("versioned").key("c/server.bin"), RequestBody.fromBytes(data));
        S3ContentHasher hasher = new S3ContentHasher(s3, S3ContentHasher.Options.defaults());
        assertEquals(expected(data), hasher.checksum(listed("versioned", "c/server.bin")));
        System.out.println("server-side checksum path: " + hasher.counts() + " downloaded=" + hasher.downloadedBytes());
        // no scratch object is left behind
        assertTrue(list("versioned", S3ContentHasher.SCRATCH_PREFIX).isEmpty());
    }

    @Test
    void shouldCopyWithTheQuiltChecksum() {
        byte[] small = pattern(5000);
        byte[] big = pattern(17 * MIB);
        s3.putObject(r -> r.bucket("plain").key("src/small.bin"), RequestBody.fromBytes(small));
        s3.putObject(r -> r.bucket("plain").key("src/big.bin"), RequestBody.fromBytes(big));
        S3ContentHasher hasher = new S3ContentHasher(s3, new S3ContentHasher.Options(true, false));
        S3ObjectCopier copier = new S3ObjectCopier(s3, hasher);
        ObjectCopier.Copied c1 = copier.copy(listed("plain", "src/small.bin"), "versioned", "pkg/name/small.bin");
        ObjectCopier.Copied c2 = copier.copy(listed("plain", "src/big.bin"), "versioned", "pkg/name/big.bin");
        assertEquals(expected(small), c1.checksum());
        assertEquals(expected(big), c2.checksum());
        assertTrue(c1.location().versionId().isPresent());
        assertEquals("pkg/name/big.bin", c2.location().key());
        System.out.println("copy: " + hasher.counts());
    }

    static Checksum expectedCrc64(byte[] data) {
        Crc64Nvme c = new Crc64Nvme(data.length);
        c.update(data, 0, data.length);
        return c.finish();
    }

    @Test
    void shouldStillGetTheCrc64NvmeWhenS3ListsOneButHeadDoesNotReturnIt() {
        // S3Mock lists the CRC64NVME a client sent but leaves it out of HeadObject (the HEAD-only path
        // is covered against the S3 stand-in in Crc64FromS3Test): the value must still be right
        byte[] data = pattern(9 * MIB + 17);
        Checksum crc = expectedCrc64(data);
        s3.putObject(r -> r.bucket("versioned").key("k/crc64.bin").checksumAlgorithm(ChecksumAlgorithm.CRC64_NVME)
                .checksumCRC64NVME(crc.value()), RequestBody.fromBytes(data));
        ListedObject listed = listed("versioned", "k/crc64.bin");
        assertEquals(Set.of("CRC64NVME"), listed.checksumAlgorithms());
        S3ContentHasher hasher = new S3ContentHasher(s3, S3ContentHasher.Options.defaults(HashType.CRC64NVME));
        assertEquals(crc, hasher.checksum(listed));
        assertEquals(0, hasher.storedCount());
    }

    @Test
    void shouldComputeCrc64NvmeWhenS3HoldsNoneAndTheEmptyConstant() {
        byte[] data = pattern(9 * MIB);
        s3.putObject(r -> r.bucket("versioned").key("k/sha-only.bin").checksumAlgorithm(ChecksumAlgorithm.SHA256),
                RequestBody.fromBytes(data));
        s3.putObject(r -> r.bucket("versioned").key("k/empty.bin"), RequestBody.empty());
        S3ContentHasher hasher = new S3ContentHasher(s3, S3ContentHasher.Options.defaults(HashType.CRC64NVME));
        assertEquals(expectedCrc64(data), hasher.checksum(listed("versioned", "k/sha-only.bin")));
        assertEquals(Checksum.crc64("AAAAAAAAAAA="), hasher.checksum(listed("versioned", "k/empty.bin")));
        // S3Mock returns no part CRC for UploadPartCopy: the copy is tried, then the bytes are streamed
        assertEquals(1, hasher.streamedCount(), hasher.counts());
        assertEquals(data.length, hasher.downloadedBytes());
        assertTrue(list("versioned", S3ContentHasher.SCRATCH_PREFIX).isEmpty());
    }

    @Test
    void shouldCopyWithTheCrc64NvmeChecksum() {
        byte[] small = pattern(5000);
        byte[] big = pattern(17 * MIB);
        s3.putObject(r -> r.bucket("plain").key("src64/small.bin"), RequestBody.fromBytes(small));
        s3.putObject(r -> r.bucket("plain").key("src64/big.bin"), RequestBody.fromBytes(big));
        S3ContentHasher hasher = new S3ContentHasher(s3, new S3ContentHasher.Options(true, false, HashType.CRC64NVME));
        S3ObjectCopier copier = new S3ObjectCopier(s3, hasher, HashType.CRC64NVME);
        assertEquals(expectedCrc64(small), copier.copy(listed("plain", "src64/small.bin"), "versioned", "pkg64/small.bin").checksum());
        assertEquals(expectedCrc64(big), copier.copy(listed("plain", "src64/big.bin"), "versioned", "pkg64/big.bin").checksum());
    }

    @Test
    void shouldFallBackWhenTheChecksumShortcutFails() {
        // moto answers GetObjectAttributes with a Last-Modified SDK v2 cannot parse: the shortcut fails
        byte[] data = pattern(8 * MIB + 1000);
        multipart("versioned", "q/quirk.bin", data, 8 * MIB);
        S3Client quirky = failing(s3, "getObjectAttributes",
                SdkClientException.create("Unable to unmarshall response (Text '2026-12-01T14:00:00.000000' could not be parsed)"));
        S3ContentHasher hasher = new S3ContentHasher(quirky, new S3ContentHasher.Options(true, false));
        assertEquals(expected(data), hasher.checksum(listed("versioned", "q/quirk.bin")));
        assertEquals(1, hasher.shortcutFailures());
        assertEquals(1, hasher.streamedCount());
        assertEquals(data.length, hasher.downloadedBytes());
    }

    @Test
    void shouldFallBackToStreamingWhenTheServerSideCopyFails() {
        byte[] data = pattern(2 * MIB);
        s3.putObject(r -> r.bucket("versioned").key("q/no-copy.bin"), RequestBody.fromBytes(data));
        S3Client quirky = failing(s3, "uploadPartCopy", S3Exception.builder().statusCode(400).message("InvalidRequest").build());
        S3ContentHasher hasher = new S3ContentHasher(quirky, S3ContentHasher.Options.defaults(HashType.CRC64NVME));
        assertEquals(expectedCrc64(data), hasher.checksum(listed("versioned", "q/no-copy.bin")));
        assertEquals(1, hasher.shortcutFailures(), hasher.counts());
        assertEquals(1, hasher.streamedCount());
    }

    /** The real client, except that one operation throws {@code failure}. */
    static S3Client failing(S3Client real, String operation, RuntimeException failure) {
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class},
                (proxy, method, args) -> {
                    if (method.getName().equals(operation)) {
                        throw failure;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void shouldReadSmallObjectsWithTheirVersion() {
        s3.putObject(r -> r.bucket("versioned").key("m/meta.json"), RequestBody.fromString("{\"a\": 1}"));
        var text = new S3ObjectReader(s3).read(PhysicalKey.of("versioned", "m/meta.json", null), 100).orElseThrow();
        assertEquals("{\"a\": 1}", text.text());
        assertTrue(text.location().versionId().isPresent());
        assertTrue(new S3ObjectReader(s3).read(PhysicalKey.of("versioned", "m/none.json", null), 100).isEmpty());
    }

    static void multipart(String bucket, String key, byte[] data, int partSize) {
        String id = s3.createMultipartUpload(r -> r.bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.SHA256)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int offset = 0, n = 1; offset < data.length; offset += partSize, n++) {
            int len = Math.min(partSize, data.length - offset);
            int number = n;
            byte[] part = java.util.Arrays.copyOfRange(data, offset, offset + len);
            var resp = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(id).partNumber(number)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256), RequestBody.fromBytes(part));
            parts.add(CompletedPart.builder().partNumber(number).eTag(resp.eTag()).checksumSHA256(resp.checksumSHA256()).build());
        }
        s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id).multipartUpload(m -> m.parts(parts)));
    }
}

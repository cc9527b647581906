package com.quiltdata.edp.packager.s3;

import com.quiltdata.edp.observe.Log;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.GetObjectAttributesResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectAttributes;
import software.amazon.awssdk.services.s3.model.ObjectPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Gets an object's manifest hash ({@code sha2-256-chunked}, or {@code CRC64NVME} when chosen) the
 * cheapest way that is correct:
 * <ol>
 *   <li>from the checksum S3 already holds: for CRC64NVME the full-object CRC of HeadObject; for
 *       SHA-256 up to 8 MiB the full-object SHA-256 of HeadObject, above it a composite one
 *       (GetObjectAttributes) whose parts are exactly the Quilt chunks;</li>
 *   <li>else by asking S3 to compute it: a multipart upload into a scratch key under {@code .quilt/}
 *       of the same bucket, UploadPartCopy with the checksum (one part per Quilt chunk for SHA-256,
 *       parts of up to 5 GiB whose CRCs are combined for CRC64NVME), then aborted (no object is ever
 *       created, nothing of the user's changes);</li>
 *   <li>else (not allowed, or not supported) by streaming the bytes through the hash.</li>
 * </ol>
 * The first two are shortcuts: any failure in one (an emulator's unparsable answer, a missing
 * permission) falls through to the next method instead of failing the package. Bytes are never held
 * whole in memory; the caller bounds parallelism.
 */
public final class S3ContentHasher implements ContentHasher {
    public static final String SCRATCH_PREFIX = ".quilt/tmp/checksum/";
    private static final Log LOG = Log.of("packager");
    private static final int BUFFER = 256 * 1024;
    /** The largest range one UploadPartCopy may copy. */
    static final long MAX_COPY_PART = 5L * 1024 * 1024 * 1024;

    private final S3Client s3;
    private final Options options;
    private final AtomicBoolean serverSideAvailable = new AtomicBoolean(true);
    private final AtomicLong downloadedBytes = new AtomicLong();
    private final AtomicLong fromS3 = new AtomicLong();
    private final AtomicLong serverSide = new AtomicLong();
    private final AtomicLong streamed = new AtomicLong();
    private final AtomicLong partCopies = new AtomicLong();
    private final AtomicLong shortcutFailures = new AtomicLong();
    private final AtomicBoolean shortcutFailureLogged = new AtomicBoolean();

    /**
     * @param useStoredChecksums take S3's own checksum when it gives the value
     * @param serverSideCopy     let S3 compute missing checksums (UploadPartCopy), before streaming
     * @param hashType           the hash the manifest gets
     */
    public record Options(boolean useStoredChecksums, boolean serverSideCopy, HashType hashType) {
        public Options(boolean useStoredChecksums, boolean serverSideCopy) {
            this(useStoredChecksums, serverSideCopy, HashType.SHA2_256_CHUNKED);
        }

        public static Options defaults() {
            return defaults(HashType.SHA2_256_CHUNKED);
        }

        public static Options defaults(HashType hashType) {
            return new Options(true, true, hashType);
        }
    }

    public S3ContentHasher(S3Client s3, Options options) {
        this.s3 = s3;
        this.options = options;
    }

    @Override
    public Checksum checksum(ListedObject o) {
        HashType type = options.hashType();
        if (o.size() == 0) {
            return type.empty();
        }
        if (options.useStoredChecksums() && mayHoldStored(o, type)) {
            Checksum stored = shortcut("stored checksum", o,
                    () -> type == HashType.CRC64NVME ? fromStoredCrc64(o) : fromStoredChecksum(o));
            if (stored != null) {
                fromS3.incrementAndGet();
                return stored;
            }
        }
        if (options.serverSideCopy() && serverSideAvailable.get()) {
            Checksum computed = shortcut("server-side copy", o, () -> serverSide(o));
            if (computed != null) {
                serverSide.incrementAndGet();
                return computed;
            }
        }
        streamed.incrementAndGet();
        try {
            return stream(o);
        } catch (S3Exception e) {
            throw S3Errors.map(e, "checksum of s3://" + o.bucket() + "/" + o.key());
        }
    }

    /** The listing names the algorithms an object has (S3 keeps one); an empty list says nothing. */
    private static boolean mayHoldStored(ListedObject o, HashType type) {
        String algorithm = type == HashType.CRC64NVME ? "CRC64NVME" : "SHA256";
        return o.checksumAlgorithms().isEmpty() || o.checksumAlgorithms().contains(algorithm);
    }

    /**
     * Runs one shortcut; its failure means "use the next method": streaming is the authority, so a
     * quirk of one S3 API (moto's GetObjectAttributes dates, a denied permission) never fails a package.
     */
    private Checksum shortcut(String step, ListedObject o, Supplier<Checksum> method) {
        try {
            return method.get();
        } catch (RuntimeException e) {
            shortcutFailures.incrementAndGet();
            if (shortcutFailureLogged.compareAndSet(false, true)) {
                LOG.warn("a checksum shortcut failed; using the next method (logged once)", "step", step,
                        "bucket", o.bucket(), "key", o.key(), "error", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            return null;
        }
    }

    /** CRC64NVME is always a full-object checksum: S3's stored value is the manifest value as is. */
    private Checksum fromStoredCrc64(ListedObject o) {
        HeadObjectResponse head = s3.headObject(r -> r.bucket(o.bucket()).key(o.key())
                .versionId(o.versionId().orElse(null)).checksumMode(ChecksumMode.ENABLED));
        String crc = head.checksumCRC64NVME();
        if (crc == null || head.contentLength() == null || head.contentLength() != o.size()
                || head.checksumType() == ChecksumType.COMPOSITE) {
            return null;
        }
        return Checksum.crc64(Crc64Nvme.encode(Crc64Nvme.decode(crc)));
    }

    /** The Quilt value from S3's stored SHA-256, or null when S3 has none that fits. */
    Checksum fromStoredChecksum(ListedObject o) {
        if (o.size() <= ChunkedChecksum.MIN_CHUNK) {
            return fromHead(o);
        }
        return fromAttributes(o);
    }

    /**
     * Up to 8 MiB an object is one Quilt chunk: HeadObject's full-object SHA-256 is hashed once more;
     * a one-part composite SHA-256 ({@code X-1}) already is sha256(sha256(data)), the Quilt value.
     */
    private Checksum fromHead(ListedObject o) {
        HeadObjectResponse head = s3.headObject(r -> r.bucket(o.bucket()).key(o.key())
                .versionId(o.versionId().orElse(null)).checksumMode(ChecksumMode.ENABLED));
        String sha256 = head.checksumSHA256();
        if (sha256 == null || head.contentLength() == null || head.contentLength() != o.size()) {
            return null;
        }
        int dash = sha256.indexOf('-');
        if (dash >= 0) {
            return sha256.endsWith("-1") ? Checksum.chunked(sha256.substring(0, dash)) : null;
        }
        if (head.checksumType() == ChecksumType.COMPOSITE) {
            return null;
        }
        return ChunkedChecksum.fromFullObjectSha256(sha256, o.size());
    }

    /** Above 8 MiB only a composite SHA-256 whose parts are exactly the Quilt chunks gives the value. */
    private Checksum fromAttributes(ListedObject o) {
        List<ObjectPart> parts = new ArrayList<>();
        String sha256 = null;
        ChecksumType type = null;
        Integer totalParts = null;
        Integer marker = null;
        while (true) {
            Integer m = marker;
            GetObjectAttributesResponse attributes = s3.getObjectAttributes(r -> r.bucket(o.bucket()).key(o.key())
                    .versionId(o.versionId().orElse(null)).maxParts(1000).partNumberMarker(m)
                    .objectAttributes(ObjectAttributes.CHECKSUM, ObjectAttributes.OBJECT_PARTS, ObjectAttributes.OBJECT_SIZE));
            if (attributes.checksum() != null && sha256 == null) {
                sha256 = attributes.checksum().checksumSHA256();
                type = attributes.checksum().checksumType();
            }
            if (sha256 == null) {
                return null;
            }
            if (attributes.objectParts() == null) {
                break;
            }
            totalParts = attributes.objectParts().totalPartsCount();
            if (attributes.objectParts().parts() != null) {
                parts.addAll(attributes.objectParts().parts());
            }
            if (!Boolean.TRUE.equals(attributes.objectParts().isTruncated()) || attributes.objectParts().nextPartNumberMarker() == null) {
                break;
            }
            marker = attributes.objectParts().nextPartNumberMarker();
        }
        int dash = sha256.indexOf('-');
        boolean composite = type == ChecksumType.COMPOSITE || dash >= 0 || (totalParts != null && totalParts > 0);
        String value = dash >= 0 ? sha256.substring(0, dash) : sha256;
        if (!composite) {
            return o.size() <= ChunkedChecksum.MIN_CHUNK ? ChunkedChecksum.fromFullObjectSha256(value, o.size()) : null;
        }
        long[] expected = ChunkedChecksum.partSizes(o.size());
        if (parts.size() != expected.length || (totalParts != null && totalParts != expected.length)) {
            return null;
        }
        for (int i = 0; i < expected.length; i++) {
            if (parts.get(i).size() == null || parts.get(i).size() != expected[i]) {
                return null;
            }
        }
        return Checksum.chunked(value);
    }

    /**
     * S3 computes the checksum of each part while copying it into an upload that is then aborted:
     * SHA-256 per Quilt chunk, or CRC64NVME per part of up to 5 GiB, the CRCs combined.
     */
    Checksum serverSide(ListedObject o) {
        boolean crc64 = options.hashType() == HashType.CRC64NVME;
        String scratchKey = SCRATCH_PREFIX + UUID.randomUUID() + "/object";
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(r -> {
                r.bucket(o.bucket()).key(scratchKey);
                if (crc64) {
                    r.checksumAlgorithm(ChecksumAlgorithm.CRC64_NVME).checksumType(ChecksumType.FULL_OBJECT);
                } else {
                    r.checksumAlgorithm(ChecksumAlgorithm.SHA256);
                }
            }).uploadId();
        } catch (S3Exception e) {
            if (e.statusCode() == 403 || e.statusCode() == 501) {
                disableServerSide(o, e);
                return null;
            }
            throw e;
        }
        try {
            long[] sizes = crc64 ? copyParts(o.size()) : ChunkedChecksum.partSizes(o.size());
            Optional<List<S3PartCopies.Part>> parts = S3PartCopies.copy(s3, o, o.bucket(), scratchKey, uploadId, sizes,
                    options.hashType(), partCopies::incrementAndGet);
            if (parts.isEmpty()) {
                disableServerSide(o, null);
                return null;
            }
            return S3PartCopies.combine(parts.get(), sizes, options.hashType());
        } catch (S3Exception e) {
            if (e.statusCode() == 403 || e.statusCode() == 501) {
                disableServerSide(o, e);
                return null;
            }
            throw e;
        } finally {
            try {
                s3.abortMultipartUpload(r -> r.bucket(o.bucket()).key(scratchKey).uploadId(uploadId));
            } catch (S3Exception e) {
                LOG.warn("could not abort a checksum upload", "bucket", o.bucket(), "key", scratchKey, "error", e.getMessage());
            }
        }
    }

    /** Parts of up to 5 GiB (one part for most objects): CRCs combine, so any split is right. */
    static long[] copyParts(long size) {
        int parts = (int) ((size + MAX_COPY_PART - 1) / MAX_COPY_PART);
        long[] sizes = new long[parts];
        for (int i = 0; i < parts; i++) {
            sizes[i] = Math.min(MAX_COPY_PART, size - i * MAX_COPY_PART);
        }
        return sizes;
    }

    private void disableServerSide(ListedObject o, S3Exception e) {
        if (serverSideAvailable.compareAndSet(true, false)) {
            LOG.warn("S3 cannot compute checksums by copy here; streaming bytes instead", "bucket", o.bucket(),
                    "error", e == null ? "no part checksum returned" : S3Errors.errorCode(e));
        }
    }

    /** Reads the object once through the hash. */
    Checksum stream(ListedObject o) {
        StreamingHash checksum = options.hashType().streaming(o.size());
        // most objects are far smaller than the buffer: zeroing 256 KiB per object costs more than reading them
        byte[] buffer = new byte[(int) Math.min(BUFFER, o.size() + 1)];
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(o.bucket()).key(o.key())
                .versionId(o.versionId().orElse(null)))) {
            read(in, buffer, checksum);
        } catch (IOException e) {
            throw new UncheckedIOException("reading s3://" + o.bucket() + "/" + o.key(), e);
        }
        return checksum.finish();
    }

    private void read(InputStream in, byte[] buffer, StreamingHash checksum) throws IOException {
        int n;
        while ((n = in.read(buffer)) > 0) {
            checksum.update(buffer, 0, n);
            downloadedBytes.addAndGet(n);
        }
    }

    public long downloadedBytes() {
        return downloadedBytes.get();
    }

    /**
     * How many checksums came from S3's stored values, from server-side copies and from streamed bytes;
     * how many UploadPartCopy calls were made, and how many shortcuts failed over to the next method.
     */
    public String counts() {
        return "stored=" + fromS3.get() + " server_side=" + serverSide.get() + " streamed=" + streamed.get()
                + " part_copies=" + partCopies.get() + " shortcut_failures=" + shortcutFailures.get();
    }

    public long partCopies() {
        return partCopies.get();
    }

    public long shortcutFailures() {
        return shortcutFailures.get();
    }

    public long streamedCount() {
        return streamed.get();
    }

    public long serverSideCount() {
        return serverSide.get();
    }

    public long storedCount() {
        return fromS3.get();
    }
}

package com.quiltdata.edp.packager.s3;

import com.quiltdata.edp.packager.domain.Checksum;
import com.quiltdata.edp.packager.domain.ChunkedChecksum;
import com.quiltdata.edp.packager.domain.Crc64Nvme;
import com.quiltdata.edp.packager.domain.HashType;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.port.ContentHasher;
import com.quiltdata.edp.packager.port.ListedObject;
import com.quiltdata.edp.packager.port.ObjectCopier;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code should_copy}: copies server-side with SHA-256 (or CRC64NVME when that is the manifest's
 * hash), in Quilt-sized parts above 8 MiB, so the copy's own checksum is the manifest value (as
 * quilt3's push does). When S3 returns no checksum the copy is hashed like any other object.
 */
public final class S3ObjectCopier implements ObjectCopier {
    private final S3Client s3;
    private final ContentHasher fallback;
    private final HashType hashType;

    public S3ObjectCopier(S3Client s3, ContentHasher fallback) {
        this(s3, fallback, HashType.SHA2_256_CHUNKED);
    }

    /** @param fallback hashes a copy S3 returned no checksum for; it must write {@code hashType} */
    public S3ObjectCopier(S3Client s3, ContentHasher fallback, HashType hashType) {
        this.s3 = s3;
        this.fallback = fallback;
        this.hashType = hashType;
    }

    private boolean crc64() {
        return hashType == HashType.CRC64NVME;
    }

    private ChecksumAlgorithm algorithm() {
        return crc64() ? ChecksumAlgorithm.CRC64_NVME : ChecksumAlgorithm.SHA256;
    }

    @Override
    public Copied copy(ListedObject source, String bucket, String key) {
        try {
            if (source.size() <= ChunkedChecksum.MIN_CHUNK) {
                CopyObjectResponse r = s3.copyObject(c -> c.sourceBucket(source.bucket()).sourceKey(source.key())
                        .sourceVersionId(source.versionId().orElse(null)).destinationBucket(bucket).destinationKey(key)
                        .checksumAlgorithm(algorithm()));
                PhysicalKey location = PhysicalKey.of(bucket, key, S3Errors.version(r.versionId()));
                if (crc64()) {
                    String crc = r.copyObjectResult() == null ? null : r.copyObjectResult().checksumCRC64NVME();
                    return new Copied(location, crc == null ? rehash(location, source.size())
                            : Checksum.crc64(Crc64Nvme.encode(Crc64Nvme.decode(crc))));
                }
                String sha = r.copyObjectResult() == null ? null : r.copyObjectResult().checksumSHA256();
                return new Copied(location, sha == null || sha.contains("-")
                        ? rehash(location, source.size())
                        : ChunkedChecksum.fromFullObjectSha256(sha, source.size()));
            }
            return multipart(source, bucket, key);
        } catch (S3Exception e) {
            throw S3Errors.map(e, "copy s3://" + source.bucket() + "/" + source.key() + " to s3://" + bucket + "/" + key);
        }
    }

    private Copied multipart(ListedObject source, String bucket, String key) {
        String uploadId = s3.createMultipartUpload(r -> {
            r.bucket(bucket).key(key).checksumAlgorithm(algorithm());
            if (crc64()) {
                r.checksumType(ChecksumType.FULL_OBJECT);
            }
        }).uploadId();
        boolean completed = false;
        try {
            long[] sizes = ChunkedChecksum.partSizes(source.size());
            Optional<List<S3PartCopies.Part>> copied = S3PartCopies.copy(s3, source, bucket, key, uploadId, sizes, hashType, () -> {});
            if (copied.isEmpty()) {
                // this S3 does not compute part checksums on copy: one plain copy, then hash it
                s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
                completed = true;
                CopyObjectResponse r = s3.copyObject(c -> c.sourceBucket(source.bucket()).sourceKey(source.key())
                        .sourceVersionId(source.versionId().orElse(null)).destinationBucket(bucket).destinationKey(key));
                PhysicalKey location = PhysicalKey.of(bucket, key, S3Errors.version(r.versionId()));
                return new Copied(location, rehash(location, source.size()));
            }
            List<CompletedPart> parts = copied.get().stream().map(p -> p.completed(hashType)).toList();
            String version = S3Errors.version(s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts))).versionId());
            completed = true;
            PhysicalKey location = PhysicalKey.of(bucket, key, version);
            return new Copied(location, S3PartCopies.combine(copied.get(), sizes, hashType));
        } finally {
            if (!completed) {
                try {
                    s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
                } catch (S3Exception ignored) {
                    // the original failure is what matters; S3 lifecycle rules clean up stray uploads
                }
            }
        }
    }

    private Checksum rehash(PhysicalKey location, long size) {
        return fallback.checksum(new ListedObject(location.bucket(), location.key(), location.versionId(), size, Set.of()));
    }
}

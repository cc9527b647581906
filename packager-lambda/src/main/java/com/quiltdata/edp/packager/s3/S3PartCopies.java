package com.quiltdata.edp.packager.s3;

import com.quiltdata.edp.packager.domain.Checksum;
import com.quiltdata.edp.packager.domain.ChunkedChecksum;
import com.quiltdata.edp.packager.domain.Crc64Nvme;
import com.quiltdata.edp.packager.domain.HashType;
import com.quiltdata.edp.packager.port.ListedObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyPartResult;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;

/**
 * Copies an object into an open multipart upload, one UploadPartCopy per range, and collects the
 * checksum S3 computed for each part (SHA-256, or CRC64NVME when that is the manifest's hash): the
 * one loop behind both the checksum-by-copy shortcut and {@code should_copy}.
 */
final class S3PartCopies {
    private S3PartCopies() {}

    /** One copied part: its number, ETag and the checksum S3 computed while copying it. */
    record Part(int number, String eTag, String checksum) {
        CompletedPart completed(HashType type) {
            CompletedPart.Builder done = CompletedPart.builder().partNumber(number).eTag(eTag);
            return (type == HashType.CRC64NVME ? done.checksumCRC64NVME(checksum) : done.checksumSHA256(checksum)).build();
        }
    }

    /**
     * The parts copied, in order; empty as soon as S3 returns a part without the checksum (an S3 that
     * does not compute checksums on copy), leaving the later parts uncopied.
     *
     * @param sizes     the part sizes, in order; their sum is the source's size
     * @param onEachCopy told before each UploadPartCopy (for counting)
     */
    static Optional<List<Part>> copy(S3Client s3, ListedObject source, String bucket, String key, String uploadId, long[] sizes,
            HashType type, Runnable onEachCopy) {
        List<Part> parts = new ArrayList<>(sizes.length);
        long offset = 0;
        for (int i = 0; i < sizes.length; i++) {
            int partNumber = i + 1;
            String range = "bytes=" + offset + "-" + (offset + sizes[i] - 1);
            offset += sizes[i];
            onEachCopy.run();
            UploadPartCopyResponse response = s3.uploadPartCopy(r -> r.sourceBucket(source.bucket()).sourceKey(source.key())
                    .sourceVersionId(source.versionId().orElse(null)).destinationBucket(bucket).destinationKey(key)
                    .uploadId(uploadId).partNumber(partNumber).copySourceRange(range));
            CopyPartResult result = response.copyPartResult();
            String checksum = result == null ? null : type == HashType.CRC64NVME ? result.checksumCRC64NVME() : result.checksumSHA256();
            if (checksum == null) {
                return Optional.empty();
            }
            parts.add(new Part(partNumber, result.eTag(), checksum));
        }
        return Optional.of(parts);
    }

    /**
     * The manifest value from the parts' checksums: the SHA-256 part digests combined as Quilt chunks
     * (the sizes must be the Quilt chunk layout), or the part CRCs combined into the object's CRC64NVME.
     */
    static Checksum combine(List<Part> parts, long[] sizes, HashType type) {
        List<String> checksums = parts.stream().map(Part::checksum).toList();
        return type == HashType.CRC64NVME ? Crc64Nvme.fromPartCrcs(checksums, sizes)
                : ChunkedChecksum.fromPartDigests(checksums.stream().map(c -> Base64.getDecoder().decode(c)).toList());
    }
}

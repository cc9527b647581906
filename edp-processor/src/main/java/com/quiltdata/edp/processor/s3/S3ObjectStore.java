package com.quiltdata.edp.processor.s3;

import com.quiltdata.edp.processor.port.ObjectStore;
import com.quiltdata.edp.processor.port.StoredObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** ListObjectsV2, GetObject streamed to a file, HeadObject for the stored SHA-256, PutObject with SHA-256. */
public final class S3ObjectStore implements ObjectStore {
    private final S3Client s3;

    public S3ObjectStore(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public List<StoredObject> list(String bucket, String prefix) {
        List<StoredObject> objects = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
            objects.add(new StoredObject(o.key(), o.size() == null ? 0 : o.size(), o.eTag(), o.lastModified(),
                    o.storageClassAsString()));
        }
        return objects;
    }

    @Override
    public void download(String bucket, String key, String versionId, Path target) {
        s3.getObject(r -> r.bucket(bucket).key(key).versionId(versionId), ResponseTransformer.toFile(target));
    }

    @Override
    public Optional<String> sha256(String bucket, String key) {
        try {
            HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED));
            String sha = head.checksumSHA256();
            // a multipart object's checksum is composite ("...-N"), never equal to a whole-file SHA-256
            return sha == null || sha.contains("-") ? Optional.empty() : Optional.of(sha);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void upload(String bucket, String key, Path file, String sha256) {
        // the value alone, as the x-amz-checksum-sha256 header: S3 checks it and keeps it for HeadObject
        // (naming the algorithm as well makes the SDK send a trailer instead, which S3Mock does not keep)
        s3.putObject(r -> r.bucket(bucket).key(key).checksumSHA256(sha256), RequestBody.fromFile(file));
    }
}

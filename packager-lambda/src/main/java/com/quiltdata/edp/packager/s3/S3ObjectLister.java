package com.quiltdata.edp.packager.s3;

import com.quiltdata.edp.packager.port.ListedObject;
import com.quiltdata.edp.packager.port.ObjectLister;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * ListObjectVersions, latest versions only (delete markers and older versions skipped), so every
 * physical key is pinned to the version that was current when the package was built.
 */
public final class S3ObjectLister implements ObjectLister {
    private final S3Client s3;

    public S3ObjectLister(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public void listLatest(String bucket, String folder, Consumer<ListedObject> sink) {
        listLatest(bucket, folder, Optional.empty(), o -> {
            sink.accept(o);
            return true;
        });
    }

    /** From {@code afterKey}: a key marker without a version marker lists the keys after it. */
    @Override
    public void listLatest(String bucket, String folder, Optional<String> afterKey, Predicate<ListedObject> sink) {
        String keyMarker = afterKey.orElse(null);
        String versionMarker = null;
        try {
            do {
                String km = keyMarker;
                String vm = versionMarker;
                ListObjectVersionsResponse page = s3.listObjectVersions(r -> r.bucket(bucket).prefix(folder)
                        .keyMarker(km).versionIdMarker(vm).maxKeys(1000));
                for (ObjectVersion v : page.versions()) {
                    if (Boolean.TRUE.equals(v.isLatest())) {
                        Set<String> algorithms = new HashSet<>();
                        if (v.checksumAlgorithm() != null) {
                            for (ChecksumAlgorithm a : v.checksumAlgorithm()) {
                                algorithms.add(a.toString());
                            }
                        }
                        if (!sink.test(new ListedObject(bucket, v.key(), Optional.ofNullable(S3Errors.version(v.versionId())),
                                v.size() == null ? 0 : v.size(), algorithms))) {
                            return;
                        }
                    }
                }
                boolean more = Boolean.TRUE.equals(page.isTruncated());
                keyMarker = more ? page.nextKeyMarker() : null;
                versionMarker = more ? page.nextVersionIdMarker() : null;
            } while (keyMarker != null);
        } catch (S3Exception e) {
            throw S3Errors.map(e, "list s3://" + bucket + "/" + folder);
        }
    }
}

package com.quiltdata.edp.packager.s3;

import com.quiltdata.edp.packager.domain.PackageName;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.domain.RegistryPointer;
import com.quiltdata.edp.packager.port.ObjectReader;
import com.quiltdata.edp.packager.port.ObjectReader.StoredText;
import com.quiltdata.edp.packager.port.PackageRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Layout V1 of a registry bucket, written with plain PutObject as quilt3 does. */
public final class S3PackageRegistry implements PackageRegistry {
    public static final String PACKAGES = ".quilt/packages/";
    public static final String NAMED = RegistryPointer.NAMED_PACKAGES;
    public static final String WORKFLOWS_CONFIG = ".quilt/workflows/config.yml";
    private static final int MAX_CONFIG_BYTES = 1 << 20;

    private final S3Client s3;
    private final ObjectReader reader;

    public S3PackageRegistry(S3Client s3, ObjectReader reader) {
        this.s3 = s3;
        this.reader = reader;
    }

    @Override
    public Optional<String> latest(String registry, PackageName name) {
        return reader.read(PhysicalKey.of(registry, NAMED + name + "/latest", null), 1024).map(t -> t.text().trim());
    }

    @Override
    public boolean hasManifest(String registry, String topHash) {
        try {
            s3.headObject(r -> r.bucket(registry).key(PACKAGES + topHash));
            return true;
        } catch (S3Exception e) {
            if (S3Errors.notFound(e)) {
                return false;
            }
            throw S3Errors.map(e, "head s3://" + registry + "/" + PACKAGES + topHash);
        }
    }

    @Override
    public <T> Optional<T> readManifest(String registry, String topHash, Function<InputStream, T> read) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(registry).key(PACKAGES + topHash))) {
            return Optional.of(read.apply(in));
        } catch (S3Exception e) {
            if (S3Errors.notFound(e) && !"NoSuchBucket".equals(S3Errors.errorCode(e))) {
                return Optional.empty();
            }
            throw S3Errors.map(e, "read s3://" + registry + "/" + PACKAGES + topHash);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void putManifest(String registry, String topHash, Path manifest) {
        try {
            s3.putObject(r -> r.bucket(registry).key(PACKAGES + topHash), RequestBody.fromFile(manifest));
        } catch (S3Exception e) {
            throw S3Errors.map(e, "write the manifest to s3://" + registry + "/" + PACKAGES);
        }
    }

    @Override
    public void putPointer(String registry, PackageName name, Instant when, String topHash) {
        putText(registry, RegistryPointer.keyOf(name, when), topHash);
    }

    @Override
    public void setLatest(String registry, PackageName name, String topHash) {
        putText(registry, NAMED + name + "/latest", topHash);
    }

    private void putText(String registry, String key, String text) {
        try {
            s3.putObject(r -> r.bucket(registry).key(key), RequestBody.fromString(text));
        } catch (S3Exception e) {
            throw S3Errors.map(e, "write s3://" + registry + "/" + key);
        }
    }

    @Override
    public Optional<StoredText> workflowsConfig(String registry) {
        return reader.read(PhysicalKey.of(registry, WORKFLOWS_CONFIG, null), MAX_CONFIG_BYTES);
    }

    @Override
    public Optional<StoredText> schema(String registry, String url) {
        PhysicalKey location;
        try {
            location = PhysicalKey.parse(url);
        } catch (IllegalArgumentException e) {
            throw new com.quiltdata.edp.packager.RejectedException("workflow schema URL " + url + ": " + e.getMessage());
        }
        return reader.read(location, MAX_CONFIG_BYTES);
    }
}

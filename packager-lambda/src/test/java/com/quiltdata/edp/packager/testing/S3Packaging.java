package com.quiltdata.edp.packager.testing;

import com.quiltdata.edp.packager.PackagePrefix;
import com.quiltdata.edp.packager.domain.HashType;
import com.quiltdata.edp.packager.domain.PackageName;
import com.quiltdata.edp.packager.port.CheckpointStore;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.domain.PackageRequest;
import com.quiltdata.edp.packager.s3.S3ContentHasher;
import com.quiltdata.edp.packager.s3.S3ObjectCopier;
import com.quiltdata.edp.packager.s3.S3ObjectLister;
import com.quiltdata.edp.packager.s3.S3ObjectReader;
import com.quiltdata.edp.packager.s3.S3PackageRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.services.s3.S3Client;

/** The use case on the real S3 adapters, with revisions in memory and no notifications. */
public final class S3Packaging {
    private S3Packaging() {}

    public static PackagePrefix packager(S3Client s3, S3ContentHasher hasher, HashType type, ExecutorService workers, Path work) {
        return packager(s3, hasher, type, workers, work, Optional.empty());
    }

    /** @param checkpoints where a package that runs out of time keeps its parts (ADR 0114) */
    public static PackagePrefix packager(S3Client s3, S3ContentHasher hasher, HashType type, ExecutorService workers, Path work,
            Optional<CheckpointStore> checkpoints) {
        S3ObjectReader reader = new S3ObjectReader(s3);
        Notifier silent = new Notifier() {
            @Override
            public void packageCreated(PackageRevision revision) {}

            @Override
            public void packageFailed(Failure failure) {}
        };
        return new PackagePrefix(new S3ObjectLister(s3), hasher, new S3ObjectCopier(s3, hasher, type), reader,
                new S3PackageRegistry(s3, reader), new InMemoryRevisionStore(), silent, workers, Clock.systemUTC(),
                Duration.ZERO, work, checkpoints);
    }

    /** A description of the folder packaged into its own bucket, metadata and workflow by default. */
    public static PackageRequest request(String bucket, String folder, String name) {
        return new PackageRequest(bucket, folder, "s3://" + bucket + "/" + folder, bucket, PackageName.parse(name),
                new PackageRequest.MetadataSource.FolderDefault(), Optional.empty(),
                new PackageRequest.WorkflowChoice.RegistryDefault(), false, Optional.empty());
    }
}

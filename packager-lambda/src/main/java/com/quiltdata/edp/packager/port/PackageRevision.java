package com.quiltdata.edp.packager.port;

import com.quiltdata.edp.packager.domain.PackageName;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A revision written to a registry, as recorded for the emit Lambda's {@code package-ready}. */
public record PackageRevision(
        String registry,
        PackageName name,
        String topHash,
        Optional<UUID> batchId,
        String sourceUri,
        long objectCount,
        long totalBytes,
        Instant createdAt,
        Instant readyAt) {

    /** The catalog-style URI of this revision: {@code quilt+s3://bucket#package=ns/name@hash}. */
    public String packageUri() {
        return "quilt+s3://" + registry + "#package=" + name + "@" + topHash;
    }
}

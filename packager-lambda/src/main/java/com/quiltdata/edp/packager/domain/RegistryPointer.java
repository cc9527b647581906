package com.quiltdata.edp.packager.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * A timestamp pointer of a Quilt registry, {@code .quilt/named_packages/<ns>/<name>/<unix seconds>}:
 * one revision of a package, whoever wrote it. Its content (the top hash) is read when it is recorded.
 *
 * @param registry  the registry bucket
 * @param versionId the pointer's version named by its S3 event, so a rewrite after the event is not read instead
 */
public record RegistryPointer(String registry, PackageName name, long epochSecond, Optional<String> versionId) {
    public static final String NAMED_PACKAGES = ".quilt/named_packages/";

    public RegistryPointer {
        versionId = versionId == null ? Optional.empty() : versionId;
    }

    /** The key of the pointer of {@code name} written at {@code when} (whole seconds, as quilt3 names them). */
    public static String keyOf(PackageName name, Instant when) {
        return NAMED_PACKAGES + name + "/" + when.getEpochSecond();
    }

    public String key() {
        return NAMED_PACKAGES + name + "/" + epochSecond;
    }

    /** When the revision was written, as its name says. */
    public Instant writtenAt() {
        return Instant.ofEpochSecond(epochSecond);
    }

    public PhysicalKey location() {
        return PhysicalKey.of(registry, key(), versionId.orElse(null));
    }
}

package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.domain.S3Keys;
import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.packager.domain.PackageRequest.MetadataSource;
import java.util.List;
import java.util.Optional;

/**
 * An S3 {@code Object Created} event for an RO-Crate file: the folder holding it, the crate file as
 * the package metadata. Any other object asks for nothing.
 */
final class RoCrateForm {
    static final String FORM = "ro-crate";
    static final String RO_CRATE = "ro-crate-metadata.json";
    /** The RO-Crate standard's file name, and the one the Quilt packaging docs use. */
    static final List<String> RO_CRATE_FILES = List.of(RO_CRATE, "ro-crate-manifest.json");

    private RoCrateForm() {}

    static boolean matches(String source, String detailType) {
        return source.equals("aws.s3") && detailType.equals("Object Created");
    }

    static ParsedMessage parse(ObjectNode detail) {
        String bucket = detail.path("bucket").path("name").asText("");
        String rawKey = detail.path("object").path("key").asText("");
        if (bucket.isEmpty() || rawKey.isEmpty()) {
            throw new InvalidRequestException("S3 Object Created event without bucket name or object key");
        }
        String key;
        try {
            key = S3Keys.decode(rawKey);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("S3 event key: " + e.getMessage());
        }
        int slash = key.lastIndexOf('/');
        String fileName = key.substring(slash + 1);
        if (!RO_CRATE_FILES.contains(fileName)) {
            return ParsedMessage.ignored(FORM, "object " + Bounded.text(key) + " is not an RO-Crate file " + RO_CRATE_FILES);
        }
        String folder = key.substring(0, slash + 1);
        String versionId = detail.path("object").path("version-id").asText(null);
        PhysicalKey crate = PhysicalKey.of(bucket, key, versionId);
        return ParsedMessage.of(PackageRequests.ofFolder(bucket, folder, PhysicalKey.of(bucket, folder, null).toUrl(),
                new MetadataSource.FromObject(crate), Optional.empty()), FORM);
    }
}

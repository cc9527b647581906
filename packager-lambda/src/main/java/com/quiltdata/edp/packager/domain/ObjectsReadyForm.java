package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.packager.domain.PackageRequest.MetadataSource;
import com.quiltdata.edp.packager.domain.PackageRequest.WhenEmpty;
import java.util.Optional;
import java.util.UUID;

/** The detail of EDP's own {@code package-objects-ready} event: {@code bucket}, {@code prefix}, {@code batch_id}. */
final class ObjectsReadyForm {
    static final String DETAIL_TYPE = "package-objects-ready";

    private ObjectsReadyForm() {}

    /** By its detail type, or by its shape when a forwarding rule renamed it. */
    static boolean matches(String detailType, ObjectNode detail) {
        return detailType.equals(DETAIL_TYPE)
                || (detail.has("bucket") && detail.has("prefix") && !detail.has("source_prefix"));
    }

    static PackageRequest parse(ObjectNode detail) {
        String bucket = JsonFields.text(detail, "bucket").orElse("");
        String prefix = JsonFields.text(detail, "prefix").orElse("");
        if (bucket.isEmpty()) {
            throw new InvalidRequestException("package-objects-ready detail without bucket");
        }
        Optional<UUID> batchId = JsonFields.text(detail, "batch_id").map(id -> {
            try {
                return UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("batch_id is not a UUID: " + Bounded.text(id));
            }
        });
        String folder = PackageRequests.asFolder(prefix);
        PackageRequest r = PackageRequests.ofFolder(bucket, folder, PhysicalKey.of(bucket, folder, null).toUrl(),
                new MetadataSource.FolderDefault(), batchId);
        // every object of the batch was deleted before it was packaged: nothing to do, not a mistake
        return PackageRequests.withEmptiness(r, WhenEmpty.SKIP, Optional.empty());
    }
}

package com.quiltdata.edp.packager.request;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.packager.manifest.PackageName;
import com.quiltdata.edp.packager.manifest.PhysicalKey;
import java.util.Optional;
import java.util.UUID;

/**
 * What to package, whatever message form asked for it: the objects under {@code folder} of
 * {@code bucket} become a revision of {@code name} in the registry bucket.
 *
 * @param folder      key prefix, empty (bucket root) or ending in {@code /}
 * @param sourceUri   the source as given, for logs, notifications and the revision row
 * @param metadata    where the package metadata comes from
 * @param message     the commit message, or empty for null
 * @param workflow    which workflow to validate against
 * @param shouldCopy  copy the objects into the registry bucket under the package name
 * @param batchId     the EDP batch this package is built for, when it came from one
 */
public record PackageRequest(
        String bucket,
        String folder,
        String sourceUri,
        String registry,
        PackageName name,
        MetadataSource metadata,
        Optional<String> message,
        WorkflowChoice workflow,
        boolean shouldCopy,
        Optional<UUID> batchId) {

    public PackageRequest {
        if (!folder.isEmpty() && !folder.endsWith("/")) {
            throw new IllegalArgumentException("folder must be empty or end in /: " + folder);
        }
    }

    public PackageRequest withRegistry(String otherRegistry) {
        return new PackageRequest(bucket, folder, sourceUri, otherRegistry, name, metadata, message, workflow, shouldCopy, batchId);
    }

    /** Where the package metadata comes from, in the design's order of preference. */
    public sealed interface MetadataSource {
        /** {@code metadata} of the message (or query parameters of a {@code uri}). */
        record Given(ObjectNode metadata) implements MetadataSource {}

        /** {@code metadata_uri}: a JSON object stored in S3. */
        record FromObject(PhysicalKey location) implements MetadataSource {}

        /** Neither: a {@code quilt_metadata.json} in the folder if there is one, else none. */
        record FolderDefault() implements MetadataSource {}
    }

    /** {@code workflow} absent or null = the registry's default; {@code ""} = none; else that id. */
    public sealed interface WorkflowChoice {
        record RegistryDefault() implements WorkflowChoice {}

        record NoWorkflow() implements WorkflowChoice {}

        record Named(String id) implements WorkflowChoice {}
    }
}

package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.observe.Bounded;
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
 * @param whenEmpty   what to do when the folder lists nothing to package
 * @param namedObject when a {@code uri} may name an object rather than a folder: that object, and
 *                    the request for its folder, to run instead if {@code folder} lists nothing
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
        Optional<UUID> batchId,
        WhenEmpty whenEmpty,
        Optional<NamedObject> namedObject) {

    public PackageRequest {
        if (!folder.isEmpty() && !folder.endsWith("/")) {
            throw new IllegalArgumentException("folder must be empty or end in /: " + Bounded.text(folder));
        }
    }

    /** A request that rejects an empty folder and names no object. */
    public PackageRequest(String bucket, String folder, String sourceUri, String registry, PackageName name,
            MetadataSource metadata, Optional<String> message, WorkflowChoice workflow, boolean shouldCopy,
            Optional<UUID> batchId) {
        this(bucket, folder, sourceUri, registry, name, metadata, message, workflow, shouldCopy, batchId,
                WhenEmpty.REJECT, Optional.empty());
    }

    /** What an empty source means: nothing listed, or everything skipped or ignored. */
    public enum WhenEmpty {
        /** a mistake (a folder that does not exist, a typo): rejected with the reason */
        REJECT,
        /** nothing to do (an EDP batch whose objects were all deleted since): acknowledged, nothing written */
        SKIP,
        /** the sender asked for an empty package ({@code "allow_empty": true}) */
        PACKAGE
    }

    /** The object a {@code uri} may name, and the request for the folder holding it. */
    public record NamedObject(String key, PackageRequest request) {}

    /** The same request written to another registry (automatic packages, PACKAGE_REGISTRY). */
    public PackageRequest withRegistry(String otherRegistry) {
        return new PackageRequest(bucket, folder, sourceUri, otherRegistry, name, metadata, message, workflow, shouldCopy, batchId,
                whenEmpty, namedObject.map(o -> new NamedObject(o.key(), o.request().withRegistry(otherRegistry))));
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

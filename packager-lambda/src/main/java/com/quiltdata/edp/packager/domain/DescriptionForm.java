package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.domain.S3Url;
import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.packager.domain.PackageRequest.MetadataSource;
import com.quiltdata.edp.packager.domain.PackageRequest.WhenEmpty;
import com.quiltdata.edp.packager.domain.PackageRequest.WorkflowChoice;
import java.util.Optional;

/**
 * A package description, the Packaging Engine's form: {@code source_prefix} and the optional
 * {@code registry}, {@code package_name}, {@code metadata} or {@code metadata_uri},
 * {@code commit_message} (or {@code message}), {@code workflow}, {@code should_copy}, {@code allow_empty}.
 */
public final class DescriptionForm {
    /** The description field that asks for a package even when the folder lists nothing. */
    public static final String ALLOW_EMPTY = "allow_empty";

    private DescriptionForm() {}

    /** As the Packaging Engine does: {@code source_prefix} wins, and a {@code uri} beside it is ignored. */
    static boolean matches(ObjectNode node) {
        return node.has("source_prefix");
    }

    static PackageRequest parse(ObjectNode node) {
        JsonNode sp = node.get("source_prefix");
        if (sp == null || !sp.isTextual() || sp.textValue().isEmpty()) {
            throw new InvalidRequestException("source_prefix is required and must be an s3:// URL string");
        }
        String sourcePrefix = sp.textValue();
        S3Url url = PackageRequests.sourceUrl(sourcePrefix);
        String folder = PackageRequests.folderOf(url.decodedPath());
        String registry = JsonFields.optionalString(node, "registry").map(DescriptionForm::registryBucket).orElse(null);
        String name = JsonFields.optionalString(node, "package_name").orElse(null);
        Optional<String> message = JsonFields.optionalString(node, "commit_message")
                .or(() -> JsonFields.optionalString(node, "message"));
        PackageRequest r = PackageRequests.of(url.bucket(), folder, sourcePrefix, registry, name,
                metadata(node, sourcePrefix), message, workflow(node),
                JsonFields.optionalBoolean(node, "should_copy", false), Optional.empty());
        return JsonFields.optionalBoolean(node, ALLOW_EMPTY, false)
                ? PackageRequests.withEmptiness(r, WhenEmpty.PACKAGE, Optional.empty()) : r;
    }

    private static MetadataSource metadata(ObjectNode node, String sourcePrefix) {
        boolean hasMeta = node.hasNonNull("metadata");
        boolean hasMetaUri = node.hasNonNull("metadata_uri");
        if (hasMeta && hasMetaUri) {
            throw new InvalidRequestException("metadata and metadata_uri are mutually exclusive");
        }
        if (hasMeta) {
            JsonNode m = node.get("metadata");
            if (!m.isObject()) {
                throw new InvalidRequestException("metadata must be a JSON object");
            }
            return new MetadataSource.Given((ObjectNode) m);
        }
        if (hasMetaUri) {
            JsonNode m = node.get("metadata_uri");
            if (!m.isTextual()) {
                throw new InvalidRequestException("metadata_uri must be a string");
            }
            return new MetadataSource.FromObject(MetadataUri.resolve(sourcePrefix, m.textValue()));
        }
        return new MetadataSource.FolderDefault();
    }

    /** Absent or null: the registry's default; {@code ""}: none; else that workflow. */
    private static WorkflowChoice workflow(ObjectNode node) {
        if (!node.hasNonNull("workflow")) {
            return new WorkflowChoice.RegistryDefault();
        }
        JsonNode w = node.get("workflow");
        if (!w.isTextual()) {
            throw new InvalidRequestException("workflow must be a string");
        }
        return w.textValue().isEmpty() ? new WorkflowChoice.NoWorkflow() : new WorkflowChoice.Named(w.textValue());
    }

    /** {@code registry} is a bucket name; {@code s3://bucket} (no key) is accepted too. */
    static String registryBucket(String registry) {
        String bucket = registry;
        if (registry.startsWith("s3://")) {
            bucket = registry.substring(5);
            if (bucket.endsWith("/")) {
                bucket = bucket.substring(0, bucket.length() - 1);
            }
        }
        if (bucket.isEmpty() || bucket.contains("/") || bucket.contains(":")) {
            throw new InvalidRequestException("registry must be a bucket name or s3://bucket, got " + Bounded.quoted(registry));
        }
        return bucket;
    }
}

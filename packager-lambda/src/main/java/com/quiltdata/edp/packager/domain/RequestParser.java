package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.domain.S3Keys;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.packager.domain.PackageRequest.MetadataSource;
import com.quiltdata.edp.packager.domain.PackageRequest.NamedObject;
import com.quiltdata.edp.packager.domain.PackageRequest.WhenEmpty;
import com.quiltdata.edp.packager.domain.PackageRequest.WorkflowChoice;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns one SQS message body into a {@link PackageRequest}. Accepted forms: a package description
 * ({@code source_prefix} ...), {@code {"uri": "s3://bucket/prefix?k=v"}}, an EventBridge envelope
 * whose detail is either of those or an EDP {@code package-objects-ready} detail, an
 * {@code aws.omics} run status event, and an S3 {@code Object Created} event for an
 * RO-Crate file ({@link #RO_CRATE_FILES}). Anything else fails with {@link InvalidRequestException}.
 */
public final class RequestParser {
    public static final String RO_CRATE = "ro-crate-metadata.json";
    /** The description field that asks for a package even when the folder lists nothing. */
    public static final String ALLOW_EMPTY = "allow_empty";
    /** The RO-Crate standard's file name, and the one the Quilt packaging docs use. */
    public static final java.util.List<String> RO_CRATE_FILES = java.util.List.of(RO_CRATE, "ro-crate-manifest.json");

    private RequestParser() {}

    public static ParsedMessage parse(String body) {
        JsonNode root;
        try {
            root = Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        if (!root.isObject()) {
            throw new InvalidRequestException("body is JSON but not an object");
        }
        return parse((ObjectNode) root, 0);
    }

    private static ParsedMessage parse(ObjectNode node, int depth) {
        if (node.has("detail-type") && node.has("detail")) {
            if (depth > 0) {
                throw new InvalidRequestException("an EventBridge envelope inside another");
            }
            return envelope(node);
        }
        // as the Packaging Engine does: source_prefix wins, and a uri beside it is ignored
        if (node.has("source_prefix")) {
            return ParsedMessage.of(description(node, Optional.empty()), "description");
        }
        if (node.has("uri")) {
            return ParsedMessage.of(uriForm(node), "uri");
        }
        throw new InvalidRequestException("source_prefix is required (or uri, or an EventBridge event this packager understands)");
    }

    private static ParsedMessage envelope(ObjectNode envelope) {
        String source = text(envelope, "source").orElse("");
        String detailType = text(envelope, "detail-type").orElse("");
        JsonNode detail = envelope.get("detail");
        if (!detail.isObject()) {
            throw new InvalidRequestException("EventBridge detail is not an object");
        }
        ObjectNode d = (ObjectNode) detail;
        if (source.equals("aws.omics")) {
            String status = text(d, "status").orElse("");
            if (!status.equals("COMPLETED")) {
                return ParsedMessage.ignored("omics", "run status is " + Bounded.text(status) + ", not COMPLETED");
            }
            String output = text(d, "runOutputUri")
                    .orElseThrow(() -> new InvalidRequestException("aws.omics event without runOutputUri"));
            S3Url url = S3Url.parse(output);
            String folder = asFolder(url.decodedPath());
            return ParsedMessage.of(request(url.bucket(), folder, output, null, null,
                    new MetadataSource.FolderDefault(), Optional.empty(), new WorkflowChoice.RegistryDefault(),
                    false, Optional.empty()), "omics");
        }
        if (source.equals("aws.s3") && detailType.equals("Object Created")) {
            String bucket = d.path("bucket").path("name").asText("");
            String rawKey = d.path("object").path("key").asText("");
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
                return ParsedMessage.ignored("ro-crate", "object " + Bounded.text(key) + " is not an RO-Crate file " + RO_CRATE_FILES);
            }
            String folder = key.substring(0, slash + 1);
            String versionId = d.path("object").path("version-id").asText(null);
            PhysicalKey crate = PhysicalKey.of(bucket, key, versionId);
            return ParsedMessage.of(request(bucket, folder, PhysicalKey.of(bucket, folder, null).toUrl(), null, null,
                    new MetadataSource.FromObject(crate), Optional.empty(), new WorkflowChoice.RegistryDefault(),
                    false, Optional.empty()), "ro-crate");
        }
        if (detailType.equals("package-objects-ready") || (d.has("bucket") && d.has("prefix") && !d.has("source_prefix"))) {
            return ParsedMessage.of(objectsReady(d), "package-objects-ready");
        }
        if (d.has("source_prefix")) {
            return ParsedMessage.of(description(d, Optional.empty()), "envelope+description");
        }
        if (d.has("uri")) {
            return ParsedMessage.of(uriForm(d), "envelope+uri");
        }
        throw new InvalidRequestException("EventBridge event " + Bounded.text(source) + " / " + Bounded.text(detailType)
                + " is not one the packager handles (its detail needs source_prefix, uri, or bucket and prefix)");
    }

    private static PackageRequest objectsReady(ObjectNode d) {
        String bucket = text(d, "bucket").orElse("");
        String prefix = text(d, "prefix").orElse("");
        if (bucket.isEmpty()) {
            throw new InvalidRequestException("package-objects-ready detail without bucket");
        }
        Optional<UUID> batchId = text(d, "batch_id").map(id -> {
            try {
                return UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("batch_id is not a UUID: " + Bounded.text(id));
            }
        });
        String folder = asFolder(prefix);
        PackageRequest r = request(bucket, folder, PhysicalKey.of(bucket, folder, null).toUrl(), null, null,
                new MetadataSource.FolderDefault(), Optional.empty(), new WorkflowChoice.RegistryDefault(), false, batchId);
        // every object of the batch was deleted before it was packaged: nothing to do, not a mistake
        return withEmptiness(r, WhenEmpty.SKIP, Optional.empty());
    }

    private static PackageRequest uriForm(ObjectNode node) {
        String uri = text(node, "uri").orElseThrow(() -> new InvalidRequestException("uri must be a string"));
        S3Url url = S3Url.parse(uri);
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        url.queryParameters().forEach(meta::put);
        MetadataSource metadata = meta.isEmpty() ? new MetadataSource.FolderDefault() : new MetadataSource.Given(meta);
        String path = url.decodedPath();
        PackageRequest asFolder = request(url.bucket(), asFolder(path), uri, null, null, metadata, Optional.empty(),
                new WorkflowChoice.RegistryDefault(), false, Optional.empty());
        if (path.isEmpty() || path.endsWith("/")) {
            return asFolder;
        }
        // s3://bucket/key may name a folder (the Packaging Service's documented form) or the object that
        // just arrived (its S3 rule example): the packager tries the folder first, then the object's folder
        PackageRequest objectsFolder = request(url.bucket(), folderOf(path), uri, null, null, metadata, Optional.empty(),
                new WorkflowChoice.RegistryDefault(), false, Optional.empty());
        return withEmptiness(asFolder, WhenEmpty.REJECT, Optional.of(new NamedObject(path, objectsFolder)));
    }

    private static PackageRequest withEmptiness(PackageRequest r, WhenEmpty whenEmpty, Optional<NamedObject> namedObject) {
        return new PackageRequest(r.bucket(), r.folder(), r.sourceUri(), r.registry(), r.name(), r.metadata(), r.message(),
                r.workflow(), r.shouldCopy(), r.batchId(), whenEmpty, namedObject);
    }

    private static PackageRequest description(ObjectNode node, Optional<UUID> batchId) {
        JsonNode sp = node.get("source_prefix");
        if (sp == null || !sp.isTextual() || sp.textValue().isEmpty()) {
            throw new InvalidRequestException("source_prefix is required and must be an s3:// URL string");
        }
        String sourcePrefix = sp.textValue();
        S3Url url = S3Url.parse(sourcePrefix);
        String folder = folderOf(url.decodedPath());

        boolean hasMeta = node.hasNonNull("metadata");
        boolean hasMetaUri = node.hasNonNull("metadata_uri");
        if (hasMeta && hasMetaUri) {
            throw new InvalidRequestException("metadata and metadata_uri are mutually exclusive");
        }
        MetadataSource metadata = new MetadataSource.FolderDefault();
        if (hasMeta) {
            JsonNode m = node.get("metadata");
            if (!m.isObject()) {
                throw new InvalidRequestException("metadata must be a JSON object");
            }
            metadata = new MetadataSource.Given((ObjectNode) m);
        } else if (hasMetaUri) {
            JsonNode m = node.get("metadata_uri");
            if (!m.isTextual()) {
                throw new InvalidRequestException("metadata_uri must be a string");
            }
            metadata = new MetadataSource.FromObject(resolve(sourcePrefix, m.textValue()));
        }
        Optional<String> message = optionalString(node, "commit_message");
        if (message.isEmpty()) {
            message = optionalString(node, "message");
        }
        WorkflowChoice workflow = new WorkflowChoice.RegistryDefault();
        if (node.hasNonNull("workflow")) {
            JsonNode w = node.get("workflow");
            if (!w.isTextual()) {
                throw new InvalidRequestException("workflow must be a string");
            }
            workflow = w.textValue().isEmpty() ? new WorkflowChoice.NoWorkflow() : new WorkflowChoice.Named(w.textValue());
        }
        boolean shouldCopy = false;
        if (node.hasNonNull("should_copy")) {
            if (!node.get("should_copy").isBoolean()) {
                throw new InvalidRequestException("should_copy must be true or false");
            }
            shouldCopy = node.get("should_copy").booleanValue();
        }
        boolean allowEmpty = false;
        if (node.hasNonNull(ALLOW_EMPTY)) {
            if (!node.get(ALLOW_EMPTY).isBoolean()) {
                throw new InvalidRequestException(ALLOW_EMPTY + " must be true or false");
            }
            allowEmpty = node.get(ALLOW_EMPTY).booleanValue();
        }
        String registry = optionalString(node, "registry").map(RequestParser::registryBucket).orElse(null);
        String name = optionalString(node, "package_name").orElse(null);
        PackageRequest r = request(url.bucket(), folder, sourcePrefix, registry, name, metadata, message, workflow, shouldCopy, batchId);
        return allowEmpty ? withEmptiness(r, WhenEmpty.PACKAGE, Optional.empty()) : r;
    }

    private static PackageRequest request(String bucket, String folder, String sourceUri, String registry, String name,
            MetadataSource metadata, Optional<String> message, WorkflowChoice workflow, boolean shouldCopy,
            Optional<UUID> batchId) {
        for (String segment : folder.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new InvalidRequestException("the source folder '" + folder + "' has a '" + segment + "' segment (after"
                        + " percent-decoding); S3 keys are not resolved like paths, so name the folder itself");
            }
        }
        PackageName packageName;
        try {
            packageName = name == null ? PackageName.fromFolder(folder) : PackageName.parse(name);
        } catch (InvalidPackageNameException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        return new PackageRequest(bucket, folder, sourceUri, registry == null ? bucket : registry, packageName,
                metadata, message, workflow, shouldCopy, batchId);
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

    /**
     * The folder a {@code source_prefix} names: itself when it ends in {@code /} (or is the bucket
     * root), else the folder holding the last segment; a top-level key means the bucket root.
     */
    static String folderOf(String decodedPath) {
        if (decodedPath.isEmpty() || decodedPath.endsWith("/")) {
            return decodedPath;
        }
        return decodedPath.substring(0, decodedPath.lastIndexOf('/') + 1);
    }

    /** A URI or prefix that names a folder with or without its trailing {@code /}. */
    static String asFolder(String path) {
        return path.isEmpty() || path.endsWith("/") ? path : path + "/";
    }

    /** RFC 3986 reference resolution of {@code metadata_uri} against the original {@code source_prefix}. */
    static PhysicalKey resolve(String base, String reference) {
        String resolved;
        if (reference.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) {
            resolved = reference;
        } else if (reference.startsWith("//")) {
            resolved = "s3:" + reference;
        } else {
            String noFragment = base.contains("#") ? base.substring(0, base.indexOf('#')) : base;
            String noQuery = noFragment.contains("?") ? noFragment.substring(0, noFragment.indexOf('?')) : noFragment;
            int pathStart = noQuery.indexOf('/', "s3://".length());
            String authority = pathStart < 0 ? noQuery : noQuery.substring(0, pathStart);
            String basePath = pathStart < 0 ? "/" : noQuery.substring(pathStart);
            String refPath = reference;
            String refQuery = "";
            int q = reference.indexOf('?');
            if (q >= 0) {
                refPath = reference.substring(0, q);
                refQuery = reference.substring(q);
            }
            String merged = refPath.startsWith("/") ? refPath : basePath.substring(0, basePath.lastIndexOf('/') + 1) + refPath;
            resolved = authority + removeDotSegments(merged) + refQuery;
        }
        try {
            PhysicalKey key = PhysicalKey.parse(resolved);
            if (key.key().isEmpty() || key.key().endsWith("/")) {
                throw new InvalidRequestException("metadata_uri must name an object, got " + Bounded.text(resolved));
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("metadata_uri: " + e.getMessage());
        }
    }

    private static String removeDotSegments(String path) {
        Deque<String> out = new ArrayDeque<>();
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals(".")) {
                if (last) {
                    out.addLast("");
                }
            } else if (s.equals("..")) {
                if (out.size() > 1) {
                    out.removeLast();
                }
                if (last) {
                    out.addLast("");
                }
            } else {
                out.addLast(s);
            }
        }
        return String.join("/", out);
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? Optional.of(v.textValue()) : Optional.empty();
    }

    private static Optional<String> optionalString(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw new InvalidRequestException(field + " must be a string");
        }
        return Optional.of(v.textValue());
    }
}

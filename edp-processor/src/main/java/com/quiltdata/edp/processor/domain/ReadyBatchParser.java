package com.quiltdata.edp.processor.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.observe.Bounded;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an SQS body: the EventBridge envelope of a {@code package-objects-ready} event (what an
 * EventBridge rule delivers to a queue), or its bare {@code detail} (what an operator sends by hand).
 * Keys in the detail are already decoded by the store; they are used as they are.
 */
public final class ReadyBatchParser {
    public static final String SOURCE = "com.quiltdata.edp";
    public static final String DETAIL_TYPE = "package-objects-ready";

    private ReadyBatchParser() {}

    public static ReadyBatch parse(String body) {
        JsonNode root;
        try {
            root = Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(e.getMessage());
        }
        if (!root.isObject()) {
            throw new InvalidMessageException("body is not a JSON object");
        }
        JsonNode detail = root;
        if (root.has("detail-type") || root.has("detail")) {
            String detailType = root.path("detail-type").asText("");
            if (!DETAIL_TYPE.equals(detailType)) {
                throw new InvalidMessageException("not a " + DETAIL_TYPE + " event: detail-type " + Bounded.quoted(detailType));
            }
            String source = root.path("source").asText("");
            if (!SOURCE.equals(source)) {
                throw new InvalidMessageException("not an EDP event: source " + Bounded.quoted(source));
            }
            detail = root.path("detail");
            if (!detail.isObject()) {
                throw new InvalidMessageException("the event has no detail object");
            }
        }
        String bucket = text(detail, "bucket");
        String prefix = text(detail, "prefix");
        if (bucket == null) {
            throw new InvalidMessageException("detail.bucket is missing");
        }
        if (prefix == null || !prefix.endsWith("/") || prefix.startsWith("/") || prefix.length() < 2) {
            throw new InvalidMessageException("detail.prefix must be one or more folders ending in '/', got "
                    + (prefix == null ? "nothing" : Bounded.quoted(prefix)));
        }
        return new ReadyBatch(bucket, prefix, Optional.ofNullable(text(detail, "batch_id")), detail, versions(detail));
    }

    /**
     * Detail 0.1 names no versions. A message that carries {@code objects: [{key, version_id}]}
     * (a hand-made request, or a later detail version) pins those keys to those versions.
     */
    private static Map<String, String> versions(JsonNode detail) {
        Map<String, String> versions = new LinkedHashMap<>();
        JsonNode objects = detail.path("objects");
        if (objects.isArray()) {
            for (JsonNode o : objects) {
                String key = text(o, "key");
                String version = text(o, "version_id");
                if (key != null && version != null) {
                    versions.put(key, version);
                }
            }
        }
        return versions;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }
}

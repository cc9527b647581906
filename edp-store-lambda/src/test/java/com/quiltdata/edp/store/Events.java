package com.quiltdata.edp.store;

import com.quiltdata.edp.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Builds S3 EventBridge message bodies for tests. */
public final class Events {
    public static final String BUCKET = "edp-demo-bucket";

    private Events() {}

    public static String created(String key, long size, String sequencer, Instant time) {
        return body(UUID.randomUUID().toString(), "Object Created", key, size, sequencer, time);
    }

    public static String deleted(String key, String sequencer, Instant time) {
        return body(UUID.randomUUID().toString(), "Object Deleted", key, null, sequencer, time);
    }

    public static String body(String id, String detailType, String rawKey, Long size, String sequencer, Instant time) {
        return body(id, BUCKET, detailType, rawKey, size, sequencer, time);
    }

    public static String body(String id, String bucket, String detailType, String rawKey, Long size, String sequencer, Instant time) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("key", rawKey);
        if (size != null) {
            object.put("size", size);
        }
        object.put("etag", "etag-" + sequencer);
        object.put("sequencer", sequencer);
        Map<String, Object> detail = Map.of("version", "0", "bucket", Map.of("name", bucket), "object", object,
                "reason", size == null ? "DeleteObject" : "PutObject");
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("version", "0");
        envelope.put("id", id);
        envelope.put("detail-type", detailType);
        envelope.put("source", "aws.s3");
        envelope.put("account", "111122223333");
        envelope.put("time", time.toString());
        envelope.put("region", "us-east-1");
        envelope.put("resources", java.util.List.of("arn:aws:s3:::" + bucket));
        envelope.put("detail", detail);
        return Json.write(envelope);
    }

    /** The body with one field of the envelope, or of {@code detail.object.}, set to a text value. */
    public static String withField(String body, String field, String value) {
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(body);
        com.fasterxml.jackson.databind.node.ObjectNode target = field.startsWith("detail.object.")
                ? (com.fasterxml.jackson.databind.node.ObjectNode) tree.path("detail").path("object") : tree;
        target.put(field.substring(field.lastIndexOf('.') + 1), value);
        return Json.write(tree);
    }
}

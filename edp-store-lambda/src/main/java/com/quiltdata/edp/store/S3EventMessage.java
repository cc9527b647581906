package com.quiltdata.edp.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.domain.ObjectEvent;
import com.quiltdata.edp.domain.S3Keys;
import com.quiltdata.edp.domain.Sequencer;
import com.quiltdata.edp.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads one SQS message body: an EventBridge envelope carrying an S3 object event. This is the
 * edge where JSON becomes an {@link ObjectEvent} and where the key is decoded, once.
 */
public final class S3EventMessage {
    public static final String OBJECT_CREATED = "Object Created";
    public static final String OBJECT_DELETED = "Object Deleted";

    private S3EventMessage() {}

    /** What a message body turned out to be. */
    public sealed interface Parsed {
        record Event(ObjectEvent event) implements Parsed {}

        /** Well-formed but not an object event EDP records (a test event, another detail-type...). */
        record Ignored(String reason) implements Parsed {}

        /** Can never be recorded: the reason names what is wrong. */
        record Invalid(String reason) implements Parsed {}
    }

    public static Parsed parse(String body) {
        JsonNode root;
        try {
            root = Json.parse(body);
        } catch (IllegalArgumentException e) {
            return new Parsed.Invalid(e.getMessage());
        }
        if (!root.isObject()) {
            return new Parsed.Invalid("body is JSON but not an object");
        }
        if ("s3:TestEvent".equals(root.path("Event").asText(null))) {
            return new Parsed.Ignored("S3 test event");
        }
        if (root.has("Records")) {
            return new Parsed.Invalid("body is an S3 notification (Records), expected an EventBridge event from the default bus");
        }
        String detailType = root.path("detail-type").asText(null);
        if (detailType == null) {
            return new Parsed.Invalid("missing field 'detail-type'");
        }
        if ("Scheduled Event".equals(detailType)) {
            return new Parsed.Ignored("scheduled event");
        }
        String source = root.path("source").asText("");
        if (!"aws.s3".equals(source)) {
            return new Parsed.Invalid("source is '" + source + "', expected 'aws.s3'");
        }
        boolean created = OBJECT_CREATED.equals(detailType);
        if (!created && !OBJECT_DELETED.equals(detailType)) {
            return new Parsed.Ignored("detail-type '" + detailType + "'");
        }
        try {
            return new Parsed.Event(toEvent(root, created));
        } catch (IllegalArgumentException e) {
            return new Parsed.Invalid(e.getMessage());
        }
    }

    private static ObjectEvent toEvent(JsonNode root, boolean created) {
        String id = text(root, "id", "id");
        Instant time = instant(text(root, "time", "time"));
        JsonNode detail = root.path("detail");
        String bucket = text(detail.path("bucket"), "name", "detail.bucket.name");
        JsonNode object = detail.path("object");
        String rawKey = text(object, "key", "detail.object.key");
        String key = S3Keys.decode(rawKey);
        Long size = null;
        if (object.hasNonNull("size")) {
            if (!object.get("size").canConvertToLong() || object.get("size").asLong() < 0) {
                throw new IllegalArgumentException("detail.object.size is not a non-negative number");
            }
            size = object.get("size").asLong();
        } else if (created) {
            throw new IllegalArgumentException("missing field 'detail.object.size' on an Object Created event");
        }
        return new ObjectEvent(
                id,
                bucket,
                key,
                rawKey,
                created ? ObjectEvent.Kind.CREATED : ObjectEvent.Kind.DELETED,
                size,
                object.path("etag").asText(null),
                object.path("version-id").asText(null),
                Sequencer.normalize(object.path("sequencer").asText(null)),
                time);
    }

    private static String text(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || !value.isValueNode() || value.asText().isEmpty()) {
            throw new IllegalArgumentException("missing field '" + path + "'");
        }
        return value.asText();
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field 'time' is not an ISO-8601 instant: '" + text + "'");
        }
    }
}

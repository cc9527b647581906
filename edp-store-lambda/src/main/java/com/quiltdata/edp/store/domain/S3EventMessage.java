package com.quiltdata.edp.store.domain;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.quiltdata.edp.domain.ObjectEvent;
import com.quiltdata.edp.domain.S3Keys;
import com.quiltdata.edp.domain.Sequencer;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.observe.Bounded;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads one SQS message body: an EventBridge envelope carrying an S3 object event. This is the
 * edge where JSON becomes an {@link ObjectEvent} and where the key is decoded, once. It also
 * refuses here everything PostgreSQL would refuse later (ADR 0008): such a record fails alone,
 * with a reason, instead of failing the transaction of its whole SQS batch.
 */
public final class S3EventMessage {
    public static final String OBJECT_CREATED = "Object Created";
    public static final String OBJECT_DELETED = "Object Deleted";

    /**
     * EventBridge ids are UUIDs. The bound keeps the primary key's index entry far below
     * PostgreSQL's limit of about 2.7 KB (a third of a page).
     */
    public static final int MAX_EVENT_ID_BYTES = 256;
    /** PostgreSQL has no year 0 and its text form of a timestamp has four year digits. */
    static final Instant EARLIEST_TIME = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST_TIME = Instant.parse("9999-12-31T23:59:59.999999Z");

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
        if (body == null || body.isBlank()) {
            return new Parsed.Invalid("body is empty, expected a JSON object");
        }
        Fields f = new Fields();
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new Parsed.Invalid("body is JSON but not an object");
            }
            readEnvelope(p, f);
        } catch (JsonProcessingException e) {
            return new Parsed.Invalid("body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if ("s3:TestEvent".equals(f.event)) {
            return new Parsed.Ignored("S3 test event");
        }
        if (f.records) {
            return new Parsed.Invalid("body is an S3 notification (Records), expected an EventBridge event from the default bus");
        }
        if (f.detailType == null) {
            return new Parsed.Invalid("missing field 'detail-type'");
        }
        if ("Scheduled Event".equals(f.detailType)) {
            return new Parsed.Ignored("scheduled event");
        }
        String source = f.source == null ? "" : f.source;
        if (!"aws.s3".equals(source)) {
            return new Parsed.Invalid("source is " + Bounded.quoted(source) + ", expected 'aws.s3'");
        }
        boolean created = OBJECT_CREATED.equals(f.detailType);
        if (!created && !OBJECT_DELETED.equals(f.detailType)) {
            return new Parsed.Ignored("detail-type " + Bounded.quoted(f.detailType));
        }
        try {
            return new Parsed.Event(toEvent(f, created));
        } catch (IllegalArgumentException e) {
            return new Parsed.Invalid(e.getMessage());
        }
    }

    /**
     * The envelope fields EDP reads. The body is read as a stream, not as a tree: a store batch parses
     * hundreds of these, and everything else in them (resources, requester, source IP...) is skipped
     * without being built.
     */
    private static final class Fields {
        String event;
        boolean records;
        String detailType;
        String source;
        String id;
        String time;
        String bucket;
        String key;
        Long size;
        boolean sizeInvalid;
        String etag;
        String versionId;
        String sequencer;
    }

    private static void readEnvelope(JsonParser p, Fields f) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "Event" -> f.event = scalar(p);
                case "Records" -> {
                    f.records = true;
                    p.skipChildren();
                }
                case "detail-type" -> f.detailType = scalar(p);
                case "source" -> f.source = scalar(p);
                case "id" -> f.id = scalar(p);
                case "time" -> f.time = scalar(p);
                case "detail" -> readObject(p, (field, q) -> {
                    switch (field) {
                        case "bucket" -> readObject(q, (b, r) -> {
                            if (b.equals("name")) {
                                f.bucket = scalar(r);
                            } else {
                                r.skipChildren();
                            }
                        });
                        case "object" -> readObject(q, (o, r) -> readObjectField(o, r, f));
                        default -> q.skipChildren();
                    }
                });
                default -> p.skipChildren();
            }
        }
    }

    private static void readObjectField(String field, JsonParser p, Fields f) throws IOException {
        switch (field) {
            case "key" -> f.key = scalar(p);
            case "size" -> {
                f.size = null;
                f.sizeInvalid = false;
                if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    f.size = p.getLongValue();
                    f.sizeInvalid = f.size < 0;
                } else if (p.currentToken() != JsonToken.VALUE_NULL) {
                    f.sizeInvalid = true;
                    p.skipChildren();
                }
            }
            case "etag" -> f.etag = scalar(p);
            case "version-id" -> f.versionId = scalar(p);
            case "sequencer" -> f.sequencer = scalar(p);
            default -> p.skipChildren();
        }
    }

    @FunctionalInterface
    private interface FieldReader {
        void read(String field, JsonParser p) throws IOException;
    }

    /** Reads the fields of the object at the current token; any other value is skipped, as if absent. */
    private static void readObject(JsonParser p, FieldReader reader) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            reader.read(name, p);
        }
    }

    /** A scalar's text; null for JSON null; an object or array is skipped and reads as empty. */
    private static String scalar(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t.isScalarValue()) {
            return p.getText();
        }
        p.skipChildren();
        return "";
    }

    private static ObjectEvent toEvent(Fields f, boolean created) {
        String id = storable(required(f.id, "id"), "id");
        int idBytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (idBytes > MAX_EVENT_ID_BYTES) {
            throw new IllegalArgumentException("field 'id' is " + idBytes + " bytes, over the limit of " + MAX_EVENT_ID_BYTES);
        }
        Instant time = instant(required(f.time, "time"));
        if (time.isBefore(EARLIEST_TIME) || time.isAfter(LATEST_TIME)) {
            throw new IllegalArgumentException("field 'time' is " + Bounded.quoted(f.time)
                    + ", outside the years 1 to 9999 that are stored");
        }
        String bucket = storable(required(f.bucket, "detail.bucket.name"), "detail.bucket.name");
        String rawKey = storable(required(f.key, "detail.object.key"), "detail.object.key");
        // a NUL can also arrive form-encoded, as %00
        String key = storable(S3Keys.decode(rawKey), "detail.object.key (decoded)");
        if (f.sizeInvalid) {
            throw new IllegalArgumentException("detail.object.size is not a non-negative number");
        }
        if (f.size == null && created) {
            throw new IllegalArgumentException("missing field 'detail.object.size' on an Object Created event");
        }
        return new ObjectEvent(
                id,
                bucket,
                key,
                rawKey,
                created ? ObjectEvent.Kind.CREATED : ObjectEvent.Kind.DELETED,
                f.size,
                storable(f.etag, "detail.object.etag"),
                storable(f.versionId, "detail.object.version-id"),
                Sequencer.normalize(f.sequencer),
                time);
    }

    private static String required(String value, String path) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("missing field '" + path + "'");
        }
        return value;
    }

    private static Instant instant(String text) {
        try {
            return InstantText.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field 'time' is not an ISO-8601 instant: " + Bounded.quoted(text));
        }
    }

    /**
     * The text, if PostgreSQL can store it as it is: text cannot hold U+0000, and a lone UTF-16
     * surrogate (legal in JSON escapes) has no UTF-8 form, so the driver would store a '?' instead.
     */
    private static String storable(String value, String path) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException("field '" + path + "' contains a NUL character (U+0000) at position " + i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("field '" + path + "' is not valid Unicode: a lone surrogate at position " + i);
            }
        }
        return value;
    }
}

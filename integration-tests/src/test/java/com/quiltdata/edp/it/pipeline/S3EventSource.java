package com.quiltdata.edp.it.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * S3's EventBridge notifications for an S3 that has none (S3Mock): after each PutObject or
 * DeleteObject it builds the {@code Object Created} / {@code Object Deleted} event S3 would send, from
 * the real response (version id, etag) and the request (size), with an increasing sequencer and
 * the key form-encoded as S3 encodes it, and hands the envelope to {@code bus} (the default bus of an
 * {@link EventRouter}). Every write is also kept in {@link #writes()}, the test's record of truth.
 */
public final class S3EventSource {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One write as it happened: the decoded key, the version it made (or the delete marker's), the event id. */
    public record Write(String bucket, String key, boolean deleted, String versionId, String etag, long size, String sequencer,
                        String eventId, JsonNode event) {}

    private final S3Client s3;
    private final Clock clock;
    private final Consumer<JsonNode> bus;
    private final AtomicLong sequencer = new AtomicLong(0x6000_0000_0000L);
    private final List<Write> writes = new ArrayList<>();

    public S3EventSource(S3Client s3, Clock clock, Consumer<JsonNode> bus) {
        this.s3 = s3;
        this.clock = clock;
        this.bus = bus;
    }

    public Write put(String bucket, String key, byte[] content) {
        PutObjectResponse response = s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
        Write w = record(bucket, key, false, response.versionId(), unquote(response.eTag()), content.length, "PutObject");
        bus.accept(w.event());
        return w;
    }

    public Write put(String bucket, String key, String content) {
        return put(bucket, key, content.getBytes(StandardCharsets.UTF_8));
    }

    public Write delete(String bucket, String key) {
        DeleteObjectResponse response = s3.deleteObject(b -> b.bucket(bucket).key(key));
        Write w = record(bucket, key, true, response.versionId(), null, 0, "DeleteObject");
        bus.accept(w.event());
        return w;
    }

    /**
     * Sends the event S3 sent for an object another client wrote (the packager writes with its own
     * client, so its registry writes have no event here unless a test asks for one).
     */
    public Write announce(String bucket, String key) {
        var head = s3.headObject(b -> b.bucket(bucket).key(key));
        Write w = record(bucket, key, false, head.versionId(), unquote(head.eTag()), head.contentLength(), "PutObject");
        bus.accept(w.event());
        return w;
    }

    /** Builds the event of a write without touching S3 or the bus (for duplicates and delays made by tests). */
    private synchronized Write record(String bucket, String key, boolean deleted, String versionId, String etag, long size, String reason) {
        String seq = String.format(Locale.ROOT, "%016X", sequencer.incrementAndGet());
        String id = UUID.randomUUID().toString();
        ObjectNode envelope = MAPPER.createObjectNode();
        envelope.put("version", "0");
        envelope.put("id", id);
        envelope.put("detail-type", deleted ? "Object Deleted" : "Object Created");
        envelope.put("source", "aws.s3");
        envelope.put("account", "123456789012");
        envelope.put("time", clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        envelope.put("region", "us-east-1");
        envelope.putArray("resources").add("arn:aws:s3:::" + bucket);
        ObjectNode detail = envelope.putObject("detail");
        detail.put("version", "0");
        detail.putObject("bucket").put("name", bucket);
        ObjectNode object = detail.putObject("object");
        object.put("key", encodeKey(key));
        if (!deleted) {
            object.put("size", size);
            object.put("etag", etag);
        }
        if (versionId != null && !versionId.equals("null")) {
            object.put("version-id", versionId);
        }
        object.put("sequencer", seq);
        detail.put("request-id", Long.toHexString(sequencer.get()).toUpperCase(Locale.ROOT));
        detail.put("requester", "123456789012");
        detail.put("source-ip-address", "127.0.0.1");
        detail.put("reason", reason);
        if (deleted) {
            detail.put("deletion-type", versionId == null ? "Permanently Deleted" : "Delete Marker Created");
        }
        Write w = new Write(bucket, key, deleted, versionId, etag, size, seq, id, envelope);
        writes.add(w);
        return w;
    }

    /** S3's form encoding of a key in notifications: each segment URL-encoded, a space as '+', '/' kept. */
    public static String encodeKey(String key) {
        StringBuilder out = new StringBuilder();
        int start = 0;
        while (true) {
            int slash = key.indexOf('/', start);
            String segment = slash < 0 ? key.substring(start) : key.substring(start, slash);
            out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8));
            if (slash < 0) {
                return out.toString();
            }
            out.append('/');
            start = slash + 1;
        }
    }

    public synchronized List<Write> writes() {
        return List.copyOf(writes);
    }

    private static String unquote(String etag) {
        return etag == null ? null : etag.replace("\"", "");
    }
}

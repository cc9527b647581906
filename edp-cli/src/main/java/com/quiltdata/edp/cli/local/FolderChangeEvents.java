package com.quiltdata.edp.cli.local;

import com.quiltdata.edp.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns folder changes into the S3 EventBridge events the store Lambda reads, so a local folder
 * goes through exactly the code a bucket does. Keys are form-encoded as S3 encodes them;
 * sequencers increase (16 hex digits, fixed width, so they compare as S3's do) and continue
 * after the newest one already recorded.
 */
public final class FolderChangeEvents {
    private final String bucket;
    private long lastSequencer;

    public FolderChangeEvents(String bucket, long lastSequencer) {
        this.bucket = bucket;
        this.lastSequencer = lastSequencer;
    }

    /** The numeric value of a stored (normalized, right-padded) sequencer this class wrote. */
    public static long sequencerValue(String normalized) {
        if (normalized == null || normalized.length() < 16) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(normalized.substring(0, 16), 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** One event body for a change seen at {@code now}; the event id is derived from key and sequencer. */
    public String body(FolderScanner.Change change, Instant now) {
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        lastSequencer = Math.max(lastSequencer + 1, micros);
        String sequencer = String.format("%016x", lastSequencer);
        String id = UUID.nameUUIDFromBytes((bucket + "\n" + change.key() + "\n" + sequencer).getBytes(StandardCharsets.UTF_8)).toString();
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("key", formEncode(change.key()));
        if (!change.deleted()) {
            object.put("size", change.fingerprint().size());
            object.put("etag", change.fingerprint().etag());
        }
        object.put("sequencer", sequencer);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("version", "0");
        detail.put("bucket", Map.of("name", bucket));
        detail.put("object", object);
        detail.put("reason", change.deleted() ? "DeleteObject" : "PutObject");
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("version", "0");
        envelope.put("id", id);
        envelope.put("detail-type", change.deleted() ? "Object Deleted" : "Object Created");
        envelope.put("source", "aws.s3");
        envelope.put("account", "000000000000");
        envelope.put("time", now.toString());
        envelope.put("region", "local");
        envelope.put("resources", List.of("arn:aws:s3:::" + bucket));
        envelope.put("detail", detail);
        return Json.write(envelope);
    }

    /** S3's form encoding of keys in event notifications: {@code +} for a space, {@code /} literal. */
    static String formEncode(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }
}

package com.quiltdata.edp.packager.sns;

import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.PackageRevision;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;

/** Publishes one JSON message per package created or request rejected to the stack's topic. */
public final class SnsNotifier implements Notifier {
    private static final int MAX_SUBJECT = 100;
    private final SnsClient sns;
    private final String topicArn;

    public SnsNotifier(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    @Override
    public void packageCreated(PackageRevision revision) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "package-created");
        message.put("registry", revision.registry());
        message.put("package", revision.name().toString());
        message.put("top_hash", revision.topHash());
        message.put("uri", revision.packageUri());
        message.put("source", revision.sourceUri());
        message.put("objects", revision.objectCount());
        message.put("bytes", revision.totalBytes());
        revision.batchId().ifPresent(id -> message.put("batch_id", id.toString()));
        message.put("created_at", revision.createdAt().toString());
        publish("Quilt package created: " + revision.name(), message);
    }

    @Override
    public void packageFailed(Failure failure) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "package-failed");
        message.put("package", failure.packageName());
        message.put("source", failure.source());
        message.put("reason", failure.reason());
        if (failure.workflow() != null) {
            message.put("workflow", failure.workflow());
        }
        if (!failure.errors().isEmpty()) {
            message.put("errors", failure.errors());
        }
        publish("Quilt package failed" + (failure.packageName() == null ? "" : ": " + failure.packageName()), message);
    }

    private void publish(String subject, Map<String, Object> message) {
        sns.publish(r -> r.topicArn(topicArn).subject(subject(subject)).message(Json.write(message)));
    }

    /** SNS subjects: ASCII printable, no newlines, at most 100 characters. */
    static String subject(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.length() > MAX_SUBJECT ? out.substring(0, MAX_SUBJECT) : out.toString();
    }
}

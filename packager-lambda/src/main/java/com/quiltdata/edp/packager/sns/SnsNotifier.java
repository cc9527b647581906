package com.quiltdata.edp.packager.sns;

import com.quiltdata.edp.aws.SnsTopic;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.PackageRevision;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;

/** Publishes one JSON message per package created or request rejected to the stack's topic. */
public final class SnsNotifier implements Notifier {
    private final SnsTopic topic;

    public SnsNotifier(SnsClient sns, String topicArn) {
        this.topic = new SnsTopic(sns, topicArn);
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
        topic.publish("Quilt package created: " + revision.name(), message);
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
        topic.publish("Quilt package failed" + (failure.packageName() == null ? "" : ": " + failure.packageName()), message);
    }
}

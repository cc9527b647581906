package com.quiltdata.edp.processor.sns;

import com.quiltdata.edp.aws.SnsTopic;
import com.quiltdata.edp.processor.port.FailureNotifier;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * One notice per failed attempt, on the topic named by TOPIC_ARN: JSON for programs, a short
 * account for email subscribers (which batch, what failed, the program's last output lines, what
 * happens next).
 */
public final class SnsFailureNotifier implements FailureNotifier {
    private final SnsTopic topic;

    public SnsFailureNotifier(SnsClient sns, String topicArn) {
        this.topic = new SnsTopic(sns, topicArn);
    }

    @Override
    public void batchFailed(Failure failure) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "processor-failed");
        message.put("bucket", failure.bucket());
        message.put("prefix", failure.prefix());
        message.put("batch_id", failure.batchId());
        message.put("message_id", failure.messageId());
        message.put("attempt", failure.attempt());
        message.put("reason", failure.reason());
        if (failure.exitCode() != null) {
            message.put("exit_code", failure.exitCode());
        }
        if (failure.outputTail() != null && !failure.outputTail().isEmpty()) {
            message.put("output_tail", failure.outputTail());
        }
        String subject = "EDP processor failed" + (failure.prefix() == null ? "" : ": s3://" + failure.bucket() + "/" + failure.prefix());
        topic.publish(subject, message, text(failure));
    }

    private static String text(Failure f) {
        StringBuilder text = new StringBuilder();
        text.append("The EDP batch processor failed on a ready batch (attempt ").append(f.attempt()).append(").\n\n");
        text.append("Batch:    ").append(f.prefix() == null ? "(unknown)" : "s3://" + f.bucket() + "/" + f.prefix()).append('\n');
        if (f.batchId() != null) {
            text.append("Batch id: ").append(f.batchId()).append('\n');
        }
        text.append("Reason:   ").append(f.reason()).append('\n');
        if (f.exitCode() != null) {
            text.append("Exit code: ").append(f.exitCode()).append('\n');
        }
        if (f.outputTail() != null && !f.outputTail().isEmpty()) {
            text.append("\nThe program's last output:\n");
            f.outputTail().lines().forEach(line -> text.append("  ").append(line).append('\n'));
        }
        text.append("\nWhat happens next: the message returns to the processor's queue and is tried again; after the "
                + "queue's maximum receives it moves to the dead-letter queue, from which it can be redriven once the "
                + "cause is fixed.\n");
        return text.toString();
    }
}

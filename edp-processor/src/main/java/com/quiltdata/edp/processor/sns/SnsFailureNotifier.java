package com.quiltdata.edp.processor.sns;

import com.quiltdata.edp.aws.SnsTopic;
import com.quiltdata.edp.processor.port.FailureNotifier;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;

/** One JSON message per failed attempt, on the topic named by TOPIC_ARN. */
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
        topic.publish(subject, message);
    }
}

package com.quiltdata.edp.processor.sns;

import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.processor.port.FailureNotifier;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;

/** One JSON message per failed attempt, on the topic named by TOPIC_ARN. */
public final class SnsFailureNotifier implements FailureNotifier {
    private static final int MAX_SUBJECT = 100;
    private final SnsClient sns;
    private final String topicArn;

    public SnsFailureNotifier(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
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

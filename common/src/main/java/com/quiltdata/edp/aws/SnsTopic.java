package com.quiltdata.edp.aws;

import com.quiltdata.edp.json.Json;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The stack's notification topic: one JSON message per publish, under a subject that SNS accepts.
 * The SNS client is an optional dependency of common: modules that publish (packager, processor)
 * declare it.
 */
public final class SnsTopic {
    private static final int MAX_SUBJECT = 100;

    private final SnsClient sns;
    private final String topicArn;

    public SnsTopic(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    public void publish(String subject, Map<String, Object> message) {
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

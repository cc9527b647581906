package com.quiltdata.edp.aws;

import com.quiltdata.edp.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The stack's notification topic. Each notice goes out once with a body per protocol
 * ({@code MessageStructure=json}): readable text for email subscribers, and the JSON message for
 * every other protocol (SQS, Lambda, HTTP, email-json), under a subject that SNS accepts. The SNS
 * client is an optional dependency of common: modules that publish (packager, processor) declare it.
 */
public final class SnsTopic {
    private static final int MAX_SUBJECT = 100;

    private final SnsClient sns;
    private final String topicArn;

    public SnsTopic(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    /**
     * @param message   the machine-readable notice, delivered as JSON
     * @param emailText the same notice in prose, for people
     */
    public void publish(String subject, Map<String, Object> message, String emailText) {
        Map<String, String> perProtocol = new LinkedHashMap<>();
        perProtocol.put("default", Json.write(message));
        perProtocol.put("email", emailText);
        sns.publish(r -> r.topicArn(topicArn).subject(subject(subject)).messageStructure("json").message(Json.write(perProtocol)));
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

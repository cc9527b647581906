package com.quiltdata.edp.it.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.it.CloudFormationTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The template's SQS queues created on a test SQS: each queue with its dead-letter queue and the
 * template's {@code maxReceiveCount}; only the visibility timeout is the test's (the template's
 * 370 s and 5400 s would make every retry a long wait).
 */
public final class Queues {
    private Queues() {}

    /** A created queue and its DLQ, with the template's redrive limit. */
    public record Queue(String logicalId, String url, String arn, String dlqUrl, int maxReceiveCount) {}

    public static Queue create(SqsClient sqs, CloudFormationTemplate template, String logicalId, String namePrefix, int visibilitySeconds) {
        JsonNode props = template.resource(logicalId).path("Properties");
        JsonNode redrive = props.path("RedrivePolicy");
        String dlqId = EventRouter.logicalId(redrive.path("deadLetterTargetArn"));
        int maxReceive = redrive.path("maxReceiveCount").asInt();
        if (maxReceive < 1) {
            throw new IllegalStateException(logicalId + " has no maxReceiveCount in the template");
        }
        template.resource(dlqId);
        String dlqUrl = sqs.createQueue(r -> r.queueName(namePrefix + "-" + dlqId)).queueUrl();
        String dlqArn = arn(sqs, dlqUrl);
        String url = sqs.createQueue(r -> r.queueName(namePrefix + "-" + logicalId).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilitySeconds),
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceive + "\"}"))).queueUrl();
        return new Queue(logicalId, url, arn(sqs, url), dlqUrl, maxReceive);
    }

    public static String arn(SqsClient sqs, String url) {
        return sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** Visible plus in-flight plus delayed messages. */
    public static long depth(SqsClient sqs, String url) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().mapToLong(Long::parseLong).sum();
    }

    /** Reads (and deletes) everything in a queue, e.g. a DLQ at the end of a test. */
    public static List<Message> takeAll(SqsClient sqs, String url) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> got = SqsDriver.receive(sqs, url, 10);
            if (got.isEmpty()) {
                return all;
            }
            for (Message m : got) {
                sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
            all.addAll(got);
        }
    }
}

package com.quiltdata.edp.packager.sqs;

import com.quiltdata.edp.packager.port.ContinuationQueue;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Sends a continued package request back to the packager's own queue. */
public final class SqsContinuationQueue implements ContinuationQueue {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsContinuationQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void send(String body) {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }
}

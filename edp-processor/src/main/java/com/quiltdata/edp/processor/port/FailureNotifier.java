package com.quiltdata.edp.processor.port;

/** Tells people that a batch failed (SNS when TOPIC_ARN is set). */
public interface FailureNotifier {
    void batchFailed(Failure failure);

    /**
     * @param attempt    the SQS receive count, when known
     * @param exitCode   the command's exit status, when it ran to an end
     * @param outputTail the end of the command's output, when it ran
     */
    record Failure(String bucket, String prefix, String batchId, String messageId, String reason, String attempt,
                   Integer exitCode, String outputTail) {}
}

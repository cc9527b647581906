package com.quiltdata.edp.processor.domain;

/**
 * A batch that did not complete: the queue retries its message and moves it to the DLQ after the
 * redrive limit. Carries what a notification and a log line need.
 */
public final class BatchFailedException extends RuntimeException {
    public enum Cause { COMMAND_FAILED, COMMAND_TIMEOUT, FILTER_ERROR, NOT_ENOUGH_DISK, STORAGE }

    private final Cause kind;
    private final String bucket;
    private final String prefix;
    private final Integer exitCode;
    private final String outputTail;

    public BatchFailedException(Cause kind, String bucket, String prefix, String message, Integer exitCode,
                                String outputTail, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.bucket = bucket;
        this.prefix = prefix;
        this.exitCode = exitCode;
        this.outputTail = outputTail;
    }

    public Cause kind() {
        return kind;
    }

    public String bucket() {
        return bucket;
    }

    public String prefix() {
        return prefix;
    }

    public Integer exitCode() {
        return exitCode;
    }

    public String outputTail() {
        return outputTail;
    }
}

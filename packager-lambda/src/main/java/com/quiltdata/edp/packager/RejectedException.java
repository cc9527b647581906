package com.quiltdata.edp.packager;

/**
 * A package request that can never succeed as it stands (bad input, invalid metadata, a workflow
 * that rejects it, access denied). Retrying cannot help: it is reported and goes to the DLQ.
 */
public class RejectedException extends RuntimeException {
    public RejectedException(String message) {
        super(message);
    }

    public RejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}

package com.quiltdata.edp.processor.domain;

/** A message that can never be processed (not JSON, not a ready batch); it belongs in the DLQ. */
public final class InvalidMessageException extends RuntimeException {
    public InvalidMessageException(String message) {
        super(message);
    }
}

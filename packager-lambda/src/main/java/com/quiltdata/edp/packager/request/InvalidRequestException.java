package com.quiltdata.edp.packager.request;

/** A message that can never become a package, however often it is retried. */
public final class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message);
    }
}

package com.quiltdata.edp.packager.domain;

import com.quiltdata.edp.packager.RejectedException;

/** A message that can never become a package, however often it is retried. */
public final class InvalidRequestException extends RejectedException {
    public InvalidRequestException(String message) {
        super(message);
    }
}

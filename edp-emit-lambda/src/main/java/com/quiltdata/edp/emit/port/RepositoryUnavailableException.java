package com.quiltdata.edp.emit.port;

/** The database failed; the tick ends and the next one retries. Nothing half-done is kept. */
public final class RepositoryUnavailableException extends RuntimeException {
    public RepositoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

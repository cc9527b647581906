package com.quiltdata.edp.cli;

/** A mistake of the user's (a bad option, a missing folder, no database): exit code 2, a message and a hint. */
public final class UsageException extends RuntimeException {
    private final String hint;

    public UsageException(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    public String hint() {
        return hint;
    }
}

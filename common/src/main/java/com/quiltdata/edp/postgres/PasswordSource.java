package com.quiltdata.edp.postgres;

import java.util.function.Supplier;

/**
 * Where the database password comes from. A source that can be read again (a Secrets Manager
 * secret) lets a login that the server refused be retried with the password as it is now, which is
 * how a function keeps working after the password was rotated.
 */
public interface PasswordSource {
    String current();

    /**
     * Called after the server refused {@code rejected}: reads the source again and says whether a
     * different password is now current, so that one more login is worth trying.
     */
    default boolean refreshAfterRejected(String rejected) {
        return false;
    }

    static PasswordSource of(Supplier<String> password) {
        return password::get;
    }
}

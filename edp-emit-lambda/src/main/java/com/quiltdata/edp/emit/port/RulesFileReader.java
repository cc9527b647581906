package com.quiltdata.edp.emit.port;

import java.util.Optional;

/** Reads the rules file (ADR 0313), asking for it only when it changed since the version the caller holds. */
public interface RulesFileReader {

    /** How messages name the file (its s3:// URI). */
    String source();

    /**
     * The file's text when its version differs from {@code knownVersion}, else {@link Fetched.Unchanged}.
     *
     * @throws RuntimeException when the file's store cannot be reached or refuses the read
     */
    Fetched fetch(Optional<String> knownVersion);

    /** What a read found. */
    sealed interface Fetched permits Fetched.Unchanged, Fetched.Content, Fetched.Missing {
        record Unchanged() implements Fetched {}

        /** The text and its version (the ETag), to ask again only when it changes. */
        record Content(String text, String version) implements Fetched {}

        /** No object at the URI. */
        record Missing() implements Fetched {}
    }
}

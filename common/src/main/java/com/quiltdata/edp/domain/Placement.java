package com.quiltdata.edp.domain;

/** The outcome of {@link PrefixRule#place}: the batch prefix of a key, or why it has none. */
public sealed interface Placement {
    enum Reason { REGISTRY, FOLDER_MARKER, BUCKET_ROOT, IGNORE_PATTERN }

    record InPrefix(String prefix) implements Placement {}

    record Ignored(Reason reason) implements Placement {}
}

package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Reads the optional fields of a message, refusing a field of the wrong JSON type by its name. */
final class JsonFields {
    private JsonFields() {}

    /** The field when it is a string; absent or any other type reads as empty. */
    static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? Optional.of(v.textValue()) : Optional.empty();
    }

    /** Absent or null reads as empty; any type but a string is the request's fault. */
    static Optional<String> optionalString(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw new InvalidRequestException(field + " must be a string");
        }
        return Optional.of(v.textValue());
    }

    /** Absent or null reads as {@code otherwise}; any type but a boolean is the request's fault. */
    static boolean optionalBoolean(JsonNode node, String field, boolean otherwise) {
        if (!node.hasNonNull(field)) {
            return otherwise;
        }
        if (!node.get(field).isBoolean()) {
            throw new InvalidRequestException(field + " must be true or false");
        }
        return node.get(field).booleanValue();
    }
}

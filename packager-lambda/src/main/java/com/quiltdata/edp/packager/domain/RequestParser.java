package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.observe.Bounded;
import java.util.List;

/**
 * Turns one SQS message body into a {@link ParsedMessage} by handing it to the form it is in: a
 * package description ({@link DescriptionForm}), a {@code uri} ({@link UriForm}), or an EventBridge
 * envelope whose detail is either of those, an EDP {@code package-objects-ready} detail
 * ({@link ObjectsReadyForm}), an {@code aws.omics} run status ({@link OmicsRunForm}), an S3
 * {@code Object Created} event for an RO-Crate file ({@link RoCrateForm}), or the S3 event of a
 * registry key, a revision someone wrote ({@link RegistryPointerForm}). Anything else fails with
 * {@link InvalidRequestException}.
 */
public final class RequestParser {
    public static final String RO_CRATE = RoCrateForm.RO_CRATE;
    /** The description field that asks for a package even when the folder lists nothing. */
    public static final String ALLOW_EMPTY = DescriptionForm.ALLOW_EMPTY;
    /** The RO-Crate standard's file name, and the one the Quilt packaging docs use. */
    public static final List<String> RO_CRATE_FILES = RoCrateForm.RO_CRATE_FILES;

    private RequestParser() {}

    public static ParsedMessage parse(String body) {
        JsonNode root;
        try {
            root = Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        if (!root.isObject()) {
            throw new InvalidRequestException("body is JSON but not an object");
        }
        ObjectNode node = (ObjectNode) root;
        // a continuation names a run of this request's own registry; the forms ignore the field (ADR 0114)
        Continuation.in(node);
        if (isEnvelope(node)) {
            return envelope(node);
        }
        if (DescriptionForm.matches(node)) {
            return ParsedMessage.of(DescriptionForm.parse(node), "description");
        }
        if (UriForm.matches(node)) {
            return ParsedMessage.of(UriForm.parse(node), "uri");
        }
        throw new InvalidRequestException("source_prefix is required (or uri, or an EventBridge event this packager understands)");
    }

    private static boolean isEnvelope(ObjectNode node) {
        return node.has("detail-type") && node.has("detail");
    }

    /** The form is told by the event's source and detail type first, then by the detail's fields. */
    private static ParsedMessage envelope(ObjectNode envelope) {
        String source = JsonFields.text(envelope, "source").orElse("");
        String detailType = JsonFields.text(envelope, "detail-type").orElse("");
        JsonNode detail = envelope.get("detail");
        if (!detail.isObject()) {
            throw new InvalidRequestException("EventBridge detail is not an object");
        }
        ObjectNode d = (ObjectNode) detail;
        if (OmicsRunForm.matches(source)) {
            return OmicsRunForm.parse(d);
        }
        if (RegistryPointerForm.matches(source, d)) {
            return RegistryPointerForm.parse(detailType, d);
        }
        if (RoCrateForm.matches(source, detailType)) {
            return RoCrateForm.parse(d);
        }
        if (ObjectsReadyForm.matches(detailType, d)) {
            return ParsedMessage.of(ObjectsReadyForm.parse(d), ObjectsReadyForm.DETAIL_TYPE);
        }
        if (DescriptionForm.matches(d)) {
            return ParsedMessage.of(DescriptionForm.parse(d), "envelope+description");
        }
        if (UriForm.matches(d)) {
            return ParsedMessage.of(UriForm.parse(d), "envelope+uri");
        }
        throw new InvalidRequestException("EventBridge event " + Bounded.text(source) + " / " + Bounded.text(detailType)
                + " is not one the packager handles (its detail needs source_prefix, uri, or bucket and prefix)");
    }
}

package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.observe.Bounded;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Where a package built over several invocations stands (ADR 0114): the run it belongs to and how
 * many checkpoint parts it has written. A continuation message is the original request body with
 * this as one extra top-level field; it names only a run id and a part number, never a location, so
 * a message can reach no checkpoint but those of its own registry's run (the store derives the key).
 *
 * @param run  the run's id: derived from the SQS message id of the request that started it
 * @param part checkpoint parts written so far (0: nothing hashed yet)
 */
public record Continuation(UUID run, int part) {
    /** The top-level field of a continuation message. */
    public static final String FIELD = "edp_continuation";
    /** More parts than any package needs (a million objects take a handful); bounds a forged part number. */
    public static final int MAX_PART = 10_000;

    public Continuation {
        if (run == null) {
            throw new IllegalArgumentException("a continuation needs a run id");
        }
        if (part < 0 || part > MAX_PART) {
            throw new IllegalArgumentException("continuation part must be 0.." + MAX_PART + ", got " + part);
        }
    }

    /** The start of the run a first delivery of this message begins; a redelivery of it finds the same run. */
    public static Continuation start(String messageId) {
        return new Continuation(UUID.nameUUIDFromBytes(("edp-package-run:" + messageId).getBytes(StandardCharsets.UTF_8)), 0);
    }

    public Continuation next() {
        return new Continuation(run, part + 1);
    }

    /**
     * The continuation a message body carries, if any; a malformed one is an {@link InvalidRequestException}
     * naming what is wrong (a body that is not a JSON object has none: the request parser reports that).
     */
    public static java.util.Optional<Continuation> in(String body) {
        JsonNode root;
        try {
            root = Json.parse(body);
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
        return root.isObject() ? in((ObjectNode) root) : java.util.Optional.empty();
    }

    static java.util.Optional<Continuation> in(ObjectNode root) {
        if (!root.has(FIELD)) {
            return java.util.Optional.empty();
        }
        JsonNode c = root.get(FIELD);
        if (!c.isObject() || c.size() != 2 || !c.path("run").isTextual() || !c.path("part").canConvertToInt()
                || !c.path("part").isIntegralNumber()) {
            throw new InvalidRequestException(FIELD + " must be {\"run\": \"<uuid>\", \"part\": <n>}, got " + Bounded.text(c.toString()));
        }
        UUID run;
        try {
            run = UUID.fromString(c.get("run").textValue());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(FIELD + ".run must be a UUID, got " + Bounded.quoted(c.get("run").textValue()));
        }
        int part = c.get("part").intValue();
        if (part < 1 || part > MAX_PART) {
            throw new InvalidRequestException(FIELD + ".part must be 1.." + MAX_PART + ", got " + part);
        }
        return java.util.Optional.of(new Continuation(run, part));
    }

    /** The body of the message that goes on with this continuation: {@code body} with the field set. */
    public String addTo(String body) {
        JsonNode root = Json.parse(body);
        if (!root.isObject()) {
            throw new IllegalArgumentException("a continued request body is a JSON object");
        }
        ObjectNode copy = ((ObjectNode) root).deepCopy();
        ObjectNode field = copy.putObject(FIELD);
        field.put("run", run.toString());
        field.put("part", part);
        return Json.write(copy);
    }
}

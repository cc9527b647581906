package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Line 1 of a manifest, with keys in the order a quilt3 build adds them: {@code version},
 * {@code user_meta} (only when set, even to null), {@code workflow} (only when validated), {@code message}.
 */
public final class ManifestHeader {
    private final ObjectNode node;

    private ManifestHeader(ObjectNode node) {
        this.node = node;
    }

    /**
     * @param userMeta empty = set_meta never called (no key); a NullNode = set to null
     * @param workflow the workflow dict, when a workflows config applied
     * @param message  the commit message, or null
     */
    public static ManifestHeader of(Optional<JsonNode> userMeta, Optional<ObjectNode> workflow, String message) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("version", "v0");
        userMeta.ifPresent(meta -> node.set("user_meta", meta == null ? NullNode.instance : meta));
        workflow.ifPresent(w -> node.set("workflow", w));
        if (message == null) {
            node.putNull("message");
        } else {
            node.put("message", message);
        }
        return new ManifestHeader(node);
    }

    public ObjectNode node() {
        return node.deepCopy();
    }

    String line() {
        return PythonJson.manifest(node);
    }

    String canonical() {
        return PythonJson.canonical(node);
    }
}

package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.json.Json;

/** The JSON object a form reads, from its text. */
final class FormTesting {
    private FormTesting() {}

    static ObjectNode object(String json) {
        return (ObjectNode) Json.parse(json);
    }
}

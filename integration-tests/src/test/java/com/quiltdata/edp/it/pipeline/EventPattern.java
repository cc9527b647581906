package com.quiltdata.edp.it.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * EventBridge event-pattern matching, as the service documents it, for the pattern forms EDP's
 * template can use: nested objects, arrays of literal values (any one matches; an array-valued event
 * field matches when any element does), and the {@code prefix}, {@code suffix}, {@code anything-but},
 * {@code exists} and {@code equals-ignore-case} operators. Any other operator fails loudly, so a rule
 * written with one is never silently mis-routed by the tests.
 */
public final class EventPattern {
    private final JsonNode pattern;

    public EventPattern(JsonNode pattern) {
        if (!pattern.isObject() || pattern.isEmpty()) {
            throw new IllegalArgumentException("an event pattern is a non-empty JSON object, got " + pattern);
        }
        this.pattern = pattern;
    }

    public boolean matches(JsonNode event) {
        return matchesObject(pattern, event);
    }

    private static boolean matchesObject(JsonNode pattern, JsonNode event) {
        Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode rule = field.getValue();
            JsonNode value = event == null ? null : event.get(field.getKey());
            if (rule.isObject()) {
                if (value == null || !value.isObject() || !matchesObject(rule, value)) {
                    return false;
                }
            } else if (rule.isArray()) {
                if (!matchesAny(rule, value)) {
                    return false;
                }
            } else {
                throw new IllegalArgumentException("pattern field '" + field.getKey() + "' must be an object or an array, got " + rule);
            }
        }
        return true;
    }

    private static boolean matchesAny(JsonNode alternatives, JsonNode value) {
        for (JsonNode alternative : alternatives) {
            if (alternative.isObject() && alternative.has("exists")) {
                boolean present = value != null && !value.isNull();
                if (present == alternative.get("exists").asBoolean()) {
                    return true;
                }
                continue;
            }
            if (value == null) {
                continue;
            }
            if (value.isArray()) {
                for (JsonNode element : value) {
                    if (matchesOne(alternative, element)) {
                        return true;
                    }
                }
            } else if (matchesOne(alternative, value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesOne(JsonNode alternative, JsonNode value) {
        if (!alternative.isObject()) {
            return literalEquals(alternative, value);
        }
        if (alternative.size() != 1) {
            throw new IllegalArgumentException("unsupported pattern operator " + alternative);
        }
        String operator = alternative.fieldNames().next();
        JsonNode operand = alternative.get(operator);
        String text = value.isTextual() ? value.asText() : null;
        return switch (operator) {
            case "prefix" -> text != null && text.startsWith(operand.asText());
            case "suffix" -> text != null && text.endsWith(operand.asText());
            case "equals-ignore-case" -> text != null && text.equalsIgnoreCase(operand.asText());
            case "anything-but" -> {
                if (operand.isArray()) {
                    for (JsonNode excluded : operand) {
                        if (literalEquals(excluded, value)) {
                            yield false;
                        }
                    }
                    yield true;
                }
                if (operand.isObject()) {
                    throw new IllegalArgumentException("unsupported anything-but form " + alternative);
                }
                yield !literalEquals(operand, value);
            }
            default -> throw new IllegalArgumentException("unsupported pattern operator '" + operator + "' in " + alternative);
        };
    }

    private static boolean literalEquals(JsonNode literal, JsonNode value) {
        if (literal.isNumber() && value.isNumber()) {
            return literal.decimalValue().compareTo(value.decimalValue()) == 0;
        }
        if (literal.isNull()) {
            return value.isNull();
        }
        return literal.getNodeType() == value.getNodeType() && literal.asText().equals(value.asText());
    }
}

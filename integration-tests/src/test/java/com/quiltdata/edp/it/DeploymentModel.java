package com.quiltdata.edp.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What CloudFormation would make of an expanded (plain) template for one set of parameter values,
 * as far as a test needs it: every intrinsic resolved to a value, and every resource's physical
 * identity. A resource keeps its identity across two deployments unless a property whose change
 * forces replacement ({@code createOnly} in the resource schema) resolves differently; then it is a
 * new resource and its Ref and attributes change with it. A {@code Custom::FunctionSettings}
 * resource's identity is the digest of its properties, as the template's digest function answers.
 */
public final class DeploymentModel {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{(?!!)([^}]+)}");
    /** Stands for AWS::NoValue until the enclosing object or list drops it. */
    private static final JsonNode NO_VALUE = TextNode.valueOf("\u0000no-value");

    private final JsonNode template;
    private final Map<String, JsonNode> parameters = new HashMap<>();
    private final Map<String, List<String>> createOnly;
    private final Map<String, String> identities = new HashMap<>();

    /**
     * @param template   the expanded template
     * @param values     parameter values of this deployment; the rest take their defaults
     * @param createOnly property names that force replacement, by resource type
     */
    public DeploymentModel(JsonNode template, Map<String, String> values, Map<String, List<String>> createOnly) {
        this.template = template;
        this.createOnly = createOnly;
        template.path("Parameters").fields().forEachRemaining(p -> {
            String type = p.getValue().path("Type").asText();
            JsonNode given = values.containsKey(p.getKey()) ? TextNode.valueOf(values.get(p.getKey())) : p.getValue().get("Default");
            if (given == null) {
                throw new IllegalArgumentException("parameter " + p.getKey() + " has no default: give it a value");
            }
            parameters.put(p.getKey(), type.startsWith("List<") || type.equals("CommaDelimitedList") ? split(given.asText()) : given);
        });
    }

    public JsonNode resource(String logicalId) {
        JsonNode resource = template.path("Resources").path(logicalId);
        if (resource.isMissingNode()) {
            throw new IllegalArgumentException("no resource " + logicalId);
        }
        return resource;
    }

    /** The resolved properties of a resource. */
    public JsonNode properties(String logicalId) {
        return resolve(resource(logicalId).path("Properties"));
    }

    /** The physical identity of a resource in this deployment (changes exactly when it would be replaced). */
    public String identity(String logicalId) {
        String known = identities.get(logicalId);
        if (known != null) {
            return known;
        }
        JsonNode resource = resource(logicalId);
        String type = resource.path("Type").asText();
        String identity;
        if (type.equals("Custom::FunctionSettings")) {
            ObjectNode values = (ObjectNode) properties(logicalId);
            values.remove(List.of("ServiceToken", "ServiceTimeout"));
            identity = "settings-" + sha256(canonical(values));
        } else {
            ObjectNode replacing = NODES.objectNode();
            JsonNode resolved = properties(logicalId);
            for (String property : createOnly.getOrDefault(type, List.of())) {
                if (resolved.has(property)) {
                    replacing.set(property, resolved.get(property));
                }
            }
            identity = logicalId + "@" + sha256(canonical(replacing)).substring(0, 12);
        }
        identities.put(logicalId, identity);
        return identity;
    }

    /** {@code node} with every intrinsic function, parameter and resource reference replaced by its value. */
    public JsonNode resolve(JsonNode node) {
        if (node.isObject()) {
            if (node.size() == 1) {
                String fn = node.fieldNames().next();
                JsonNode arg = node.get(fn);
                switch (fn) {
                    case "Ref": return ref(arg.asText());
                    case "Fn::GetAtt": return TextNode.valueOf(attribute(arg.path(0).asText(), arg.path(1).asText()));
                    case "Fn::Sub": return TextNode.valueOf(sub(arg));
                    case "Fn::If": return resolve(condition(arg.path(0).asText()) ? arg.path(1) : arg.path(2));
                    case "Fn::Equals": return NODES.booleanNode(resolve(arg.path(0)).asText().equals(resolve(arg.path(1)).asText()));
                    case "Fn::Not": return NODES.booleanNode(!resolve(arg.path(0)).asBoolean());
                    case "Fn::And": return NODES.booleanNode(all(arg, true));
                    case "Fn::Or": return NODES.booleanNode(!all(arg, false));
                    case "Condition": return NODES.booleanNode(condition(arg.asText()));
                    case "Fn::Join": return TextNode.valueOf(join(arg.path(0).asText(), resolve(arg.path(1))));
                    case "Fn::Split": return split(resolve(arg.path(1)).asText(), arg.path(0).asText());
                    case "Fn::Select": return resolve(arg.path(1)).path(resolve(arg.path(0)).asInt());
                    case "Fn::Contains": return NODES.booleanNode(contains(resolve(arg.path(0)), resolve(arg.path(1)).asText()));
                    default:
                        if (fn.startsWith("Fn::")) {
                            throw new IllegalArgumentException("the model does not evaluate " + fn);
                        }
                }
            }
            ObjectNode copy = NODES.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = resolve(field.getValue());
                if (value != NO_VALUE) {
                    copy.set(field.getKey(), value);
                }
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = NODES.arrayNode();
            node.forEach(item -> {
                JsonNode value = resolve(item);
                if (value != NO_VALUE) {
                    copy.add(value);
                }
            });
            return copy;
        }
        return node;
    }

    private JsonNode ref(String name) {
        switch (name) {
            case "AWS::NoValue": return NO_VALUE;
            case "AWS::StackName": return TextNode.valueOf("edp");
            case "AWS::Region": return TextNode.valueOf("us-east-1");
            case "AWS::AccountId": return TextNode.valueOf("123456789012");
            case "AWS::Partition": return TextNode.valueOf("aws");
            case "AWS::URLSuffix": return TextNode.valueOf("amazonaws.com");
            default:
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        return TextNode.valueOf(identity(name));
    }

    private String attribute(String logicalId, String attribute) {
        return identity(logicalId) + "." + attribute;
    }

    private String sub(JsonNode arg) {
        String text = arg.isArray() ? arg.path(0).asText() : arg.asText();
        JsonNode locals = arg.isArray() ? arg.path(1) : NODES.objectNode();
        Matcher m = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String variable = m.group(1);
            String value;
            if (locals.has(variable)) {
                value = resolve(locals.get(variable)).asText();
            } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
                value = attribute(variable.substring(0, variable.indexOf('.')), variable.substring(variable.indexOf('.') + 1));
            } else {
                value = ref(variable).asText();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private boolean condition(String name) {
        JsonNode definition = template.path("Conditions").path(name);
        if (definition.isMissingNode()) {
            throw new IllegalArgumentException("no condition " + name);
        }
        return resolve(definition).asBoolean();
    }

    private boolean all(JsonNode conditions, boolean expected) {
        for (JsonNode c : conditions) {
            if (resolve(c).asBoolean() != expected) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when every rule of the template's {@code Rules} section holds for this deployment's
     * parameters, as CloudFormation checks them before it creates or updates anything; otherwise the
     * AssertDescription of each failed assertion.
     */
    public List<String> failedRules() {
        List<String> failed = new java.util.ArrayList<>();
        template.path("Rules").fields().forEachRemaining(rule -> {
            JsonNode condition = rule.getValue().path("RuleCondition");
            if (!condition.isMissingNode() && !resolve(condition).asBoolean()) {
                return;
            }
            for (JsonNode assertion : rule.getValue().path("Assertions")) {
                if (!resolve(assertion.path("Assert")).asBoolean()) {
                    failed.add(rule.getKey() + ": " + assertion.path("AssertDescription").asText());
                }
            }
        });
        return failed;
    }

    private static boolean contains(JsonNode list, String value) {
        for (JsonNode item : list) {
            if (item.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String join(String delimiter, JsonNode items) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            out.append(i == 0 ? "" : delimiter).append(items.get(i).asText());
        }
        return out.toString();
    }

    private static ArrayNode split(String text) {
        return split(text, ",");
    }

    private static ArrayNode split(String text, String delimiter) {
        ArrayNode parts = NODES.arrayNode();
        for (String part : text.split(Pattern.quote(delimiter), -1)) {
            parts.add(part);
        }
        return parts;
    }

    /** Sorted keys, no spaces: equal values give equal text. */
    private static String canonical(JsonNode node) {
        if (node.isObject()) {
            StringBuilder out = new StringBuilder("{");
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            node.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
            sorted.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append(TextNode.valueOf(k)).append(':').append(canonical(v)));
            return out.append('}').toString();
        }
        if (node.isArray()) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < node.size(); i++) {
                out.append(i == 0 ? "" : ",").append(canonical(node.get(i)));
            }
            return out.append(']').toString();
        }
        return node.toString();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package com.quiltdata.edp.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * {@code template.yaml} (or any CloudFormation/SAM template) read into a JSON tree. The short-form
 * tags ({@code !Ref}, {@code !GetAtt}, {@code !Sub}, ...) become their long JSON form
 * ({@code {"Ref": ...}}, {@code {"Fn::GetAtt": [resource, attribute]}}, ...), so tests see the
 * template as CloudFormation does. Pipeline tests use {@link #rules()} to route events with the
 * template's own rules, patterns and input transformers.
 */
public final class CloudFormationTemplate {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, String> SHORT_FORMS = shortForms();

    private final JsonNode root;

    private CloudFormationTemplate(JsonNode root) {
        this.root = root;
    }

    /** The repository's template.yaml. */
    public static CloudFormationTemplate edp() {
        return load(Repository.file("template.yaml"));
    }

    public static CloudFormationTemplate load(Path path) {
        try {
            return parse(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses YAML (with CloudFormation tags) or JSON text. */
    public static CloudFormationTemplate parse(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new CloudFormationConstructor(options));
        Object tree = yaml.load(text);
        return new CloudFormationTemplate(MAPPER.valueToTree(tree));
    }

    public JsonNode root() {
        return root;
    }

    public JsonNode parameters() {
        return root.path("Parameters");
    }

    public JsonNode conditions() {
        return root.path("Conditions");
    }

    public JsonNode outputs() {
        return root.path("Outputs");
    }

    public JsonNode globals() {
        return root.path("Globals");
    }

    /** Resources by logical id, in template order. */
    public Map<String, JsonNode> resources() {
        Map<String, JsonNode> resources = new LinkedHashMap<>();
        root.path("Resources").fields().forEachRemaining(e -> resources.put(e.getKey(), e.getValue()));
        return resources;
    }

    public JsonNode resource(String logicalId) {
        JsonNode resource = root.path("Resources").path(logicalId);
        if (resource.isMissingNode()) {
            throw new IllegalArgumentException("template has no resource " + logicalId);
        }
        return resource;
    }

    /** The resources of one type ({@code AWS::Events::Rule}, {@code AWS::Serverless::Function}...), by logical id. */
    public Map<String, JsonNode> resourcesOfType(String type) {
        Map<String, JsonNode> matching = new LinkedHashMap<>();
        resources().forEach((id, resource) -> {
            if (type.equals(resource.path("Type").asText())) {
                matching.put(id, resource);
            }
        });
        return matching;
    }

    /** Every {@code AWS::Events::Rule} of the template, with its pattern and targets. */
    public List<EventRule> rules() {
        List<EventRule> rules = new ArrayList<>();
        resourcesOfType("AWS::Events::Rule").forEach((id, resource) -> rules.add(EventRule.of(id, resource)));
        return rules;
    }

    public EventRule rule(String logicalId) {
        return EventRule.of(logicalId, resource(logicalId));
    }

    /**
     * An EventBridge rule as written in the template. Intrinsics inside it (a bucket name given as
     * {@code {"Ref": "BucketName"}}) stay as they are; {@link #resolve} replaces them.
     */
    public record EventRule(String logicalId, Optional<String> name, JsonNode eventBusName, JsonNode eventPattern,
                            Optional<String> scheduleExpression, Optional<String> condition, List<Target> targets) {

        static EventRule of(String logicalId, JsonNode resource) {
            JsonNode props = resource.path("Properties");
            List<Target> targets = new ArrayList<>();
            props.path("Targets").forEach(t -> targets.add(Target.of(t)));
            return new EventRule(logicalId, text(props.path("Name")), props.path("EventBusName"), props.path("EventPattern"),
                    text(props.path("ScheduleExpression")), text(resource.path("Condition")), List.copyOf(targets));
        }

        /** True when the rule sits on the default bus (no EventBusName). */
        public boolean onDefaultBus() {
            return eventBusName.isMissingNode() || "default".equals(eventBusName.asText(null));
        }
    }

    /** One target of a rule; {@code inputTransformer} is missing when the rule passes the event as is. */
    public record Target(String id, JsonNode arn, Optional<JsonNode> inputTransformer, JsonNode raw) {
        static Target of(JsonNode target) {
            JsonNode transformer = target.path("InputTransformer");
            return new Target(target.path("Id").asText(), target.path("Arn"),
                    transformer.isMissingNode() ? Optional.empty() : Optional.of(transformer), target);
        }

        /** The InputTemplate string, when the target has an input transformer. */
        public Optional<String> inputTemplate() {
            return inputTransformer.map(t -> t.path("InputTemplate")).filter(JsonNode::isTextual).map(JsonNode::asText);
        }

        /** The InputPathsMap (placeholder name to JSON path), when the target has an input transformer. */
        public Map<String, String> inputPathsMap() {
            Map<String, String> paths = new LinkedHashMap<>();
            inputTransformer.ifPresent(t -> t.path("InputPathsMap").fields().forEachRemaining(e -> paths.put(e.getKey(), e.getValue().asText())));
            return paths;
        }
    }

    /**
     * A copy of {@code node} with every {@code {"Ref": name}} replaced by {@code refs.apply(name)}, for
     * example the parameter values of a test deployment. Fails on a Ref that {@code refs} cannot resolve
     * (returns null) and on any other intrinsic function.
     */
    public static JsonNode resolve(JsonNode node, Function<String, JsonNode> refs) {
        if (node.isObject()) {
            if (node.size() == 1 && node.has("Ref")) {
                String name = node.get("Ref").asText();
                JsonNode value = refs.apply(name);
                if (value == null) {
                    throw new IllegalArgumentException("no value for Ref " + name);
                }
                return value;
            }
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().startsWith("Fn::")) {
                    throw new IllegalArgumentException("cannot resolve " + field.getKey() + " in " + node);
                }
                copy.set(field.getKey(), resolve(field.getValue(), refs));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(resolve(item, refs)));
            return copy;
        }
        return node;
    }

    /**
     * A copy of {@code node} as CloudFormation would pass it on, given parameter values (the template's
     * defaults fill the rest): {@code Ref} to a parameter (a {@code CommaDelimitedList} becomes an
     * array), {@code Fn::If} on the template's conditions, {@code Fn::Select}, {@code Fn::Split},
     * {@code Fn::Join}, and {@code AWS::NoValue} leaving the field out. Fails on anything else, so an
     * intrinsic the tests cannot evaluate is never passed on unresolved.
     */
    public JsonNode evaluate(JsonNode node, Map<String, String> parameterValues) {
        Map<String, String> values = new LinkedHashMap<>();
        parameters().fields().forEachRemaining(p -> {
            if (p.getValue().has("Default")) {
                values.put(p.getKey(), p.getValue().get("Default").asText());
            }
        });
        values.putAll(parameterValues);
        JsonNode result = evaluate(node, values, new ArrayList<>());
        return result == null ? JsonNodeFactory.instance.missingNode() : result;
    }

    /** Whether a condition of the template holds for the given parameter values (defaults fill the rest). */
    public boolean condition(String name, Map<String, String> parameterValues) {
        JsonNode answer = evaluate(JsonNodeFactory.instance.objectNode().set("Condition", TextNode.valueOf(name)), parameterValues);
        return answer.asBoolean();
    }

    private JsonNode evaluate(JsonNode node, Map<String, String> values, List<String> conditionsSeen) {
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (JsonNode item : node) {
                JsonNode value = evaluate(item, values, conditionsSeen);
                if (value != null) {
                    copy.add(value);
                }
            }
            return copy;
        }
        if (!node.isObject()) {
            return node;
        }
        if (node.size() == 1) {
            String fn = node.fieldNames().next();
            JsonNode arg = node.get(fn);
            switch (fn) {
                case "Ref" -> {
                    String name = arg.asText();
                    if (name.equals("AWS::NoValue")) {
                        return null;
                    }
                    if (!values.containsKey(name)) {
                        throw new IllegalArgumentException("no value for Ref " + name);
                    }
                    String value = values.get(name);
                    if (parameters().path(name).path("Type").asText().equals("CommaDelimitedList")) {
                        ArrayNode list = JsonNodeFactory.instance.arrayNode();
                        for (String item : value.split(",", -1)) {
                            list.add(item.trim());
                        }
                        return list;
                    }
                    return TextNode.valueOf(value);
                }
                case "Condition" -> {
                    String name = arg.asText();
                    if (conditionsSeen.contains(name)) {
                        throw new IllegalArgumentException("condition " + name + " refers to itself");
                    }
                    conditionsSeen.add(name);
                    JsonNode definition = conditions().path(name);
                    if (definition.isMissingNode()) {
                        throw new IllegalArgumentException("template has no condition " + name);
                    }
                    JsonNode value = evaluate(definition, values, conditionsSeen);
                    conditionsSeen.remove(name);
                    return value;
                }
                case "Fn::Equals" -> {
                    return JsonNodeFactory.instance.booleanNode(
                            evaluate(arg.get(0), values, conditionsSeen).equals(evaluate(arg.get(1), values, conditionsSeen)));
                }
                case "Fn::Not" -> {
                    return JsonNodeFactory.instance.booleanNode(!evaluate(arg.get(0), values, conditionsSeen).asBoolean());
                }
                case "Fn::And", "Fn::Or" -> {
                    boolean and = fn.equals("Fn::And");
                    boolean result = and;
                    for (JsonNode operand : arg) {
                        boolean value = evaluate(operand, values, conditionsSeen).asBoolean();
                        result = and ? result && value : result || value;
                    }
                    return JsonNodeFactory.instance.booleanNode(result);
                }
                case "Fn::If" -> {
                    boolean holds = evaluate(JsonNodeFactory.instance.objectNode().set("Condition", arg.get(0)), values, conditionsSeen).asBoolean();
                    return evaluate(arg.get(holds ? 1 : 2), values, conditionsSeen);
                }
                case "Fn::Select" -> {
                    int index = evaluate(arg.get(0), values, conditionsSeen).asInt();
                    JsonNode list = evaluate(arg.get(1), values, conditionsSeen);
                    if (index < 0 || index >= list.size()) {
                        throw new IllegalArgumentException("Fn::Select index " + index + " out of " + list);
                    }
                    return list.get(index);
                }
                case "Fn::Split" -> {
                    String delimiter = arg.get(0).asText();
                    String text = evaluate(arg.get(1), values, conditionsSeen).asText();
                    ArrayNode parts = JsonNodeFactory.instance.arrayNode();
                    int from = 0;
                    for (int at = text.indexOf(delimiter); at >= 0; at = text.indexOf(delimiter, from)) {
                        parts.add(text.substring(from, at));
                        from = at + delimiter.length();
                    }
                    parts.add(text.substring(from));
                    return parts;
                }
                case "Fn::Join" -> {
                    List<String> parts = new ArrayList<>();
                    evaluate(arg.get(1), values, conditionsSeen).forEach(part -> parts.add(part.asText()));
                    return TextNode.valueOf(String.join(arg.get(0).asText(), parts));
                }
                default -> {
                    if (fn.startsWith("Fn::")) {
                        throw new IllegalArgumentException("cannot evaluate " + fn + " in " + node);
                    }
                }
            }
        }
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().startsWith("Fn::")) {
                throw new IllegalArgumentException("cannot evaluate " + field.getKey() + " in " + node);
            }
            JsonNode value = evaluate(field.getValue(), values, conditionsSeen);
            if (value != null) {
                copy.set(field.getKey(), value);
            }
        }
        return copy;
    }

    /** {@link #resolve} with parameter values given as strings. */
    public static JsonNode resolve(JsonNode node, Map<String, String> parameterValues) {
        return resolve(node, name -> parameterValues.containsKey(name) ? TextNode.valueOf(parameterValues.get(name)) : null);
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static Map<String, String> shortForms() {
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("!Ref", "Ref");
        forms.put("!Condition", "Condition");
        for (String fn : List.of("And", "Base64", "Cidr", "Equals", "FindInMap", "GetAtt", "GetAZs", "If", "ImportValue",
                "Join", "Not", "Or", "Select", "Split", "Sub", "Transform", "ToJsonString", "Length", "Contains")) {
            forms.put("!" + fn, "Fn::" + fn);
        }
        return forms;
    }

    /** SnakeYAML's safe constructor plus CloudFormation's short-form tags. */
    private static final class CloudFormationConstructor extends SafeConstructor {
        CloudFormationConstructor(LoaderOptions options) {
            super(options);
            SHORT_FORMS.forEach((tag, longForm) -> yamlConstructors.put(new Tag(tag), new Intrinsic(longForm)));
        }

        private final class Intrinsic extends AbstractConstruct {
            private final String longForm;

            Intrinsic(String longForm) {
                this.longForm = longForm;
            }

            @Override
            public Object construct(Node node) {
                Object value;
                if (node instanceof ScalarNode scalar) {
                    String text = constructScalar(scalar);
                    if ("Fn::GetAtt".equals(longForm)) {
                        int dot = text.indexOf('.');
                        if (dot < 0) {
                            throw new IllegalArgumentException("!GetAtt needs Resource.Attribute, got " + text);
                        }
                        value = List.of(text.substring(0, dot), text.substring(dot + 1));
                    } else {
                        value = text;
                    }
                } else if (node instanceof SequenceNode sequence) {
                    value = constructSequence(sequence);
                } else {
                    value = constructMapping((MappingNode) node);
                }
                Map<String, Object> intrinsic = new LinkedHashMap<>();
                intrinsic.put(longForm, value);
                return intrinsic;
            }
        }
    }
}

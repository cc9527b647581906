package com.quiltdata.edp.it.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.quiltdata.edp.it.CloudFormationTemplate;
import com.quiltdata.edp.it.CloudFormationTemplate.EventRule;
import com.quiltdata.edp.it.CloudFormationTemplate.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The EventBridge routing of {@code template.yaml}, run in the test: every rule of the template (its
 * bus, event pattern, targets and input transformers, with the deployment's parameter values filled
 * in) decides where an event put on a bus goes. The test names what each target resource is (a
 * queue it owns, a fake topic); a rule whose target the test has not wired is reported in
 * {@link #unwiredTargets()} and its deliveries are dropped, as an unreachable target would be.
 * This is the only place the pipeline tests route events, so a change to a rule in the template
 * changes what the tests see.
 */
public final class EventRouter {
    public static final String DEFAULT_BUS = "default";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Za-z0-9_.-]+)>");

    /** One rule, resolved: the bus it listens on (a logical id, or "default"), its pattern and targets. */
    public record Route(String ruleId, String bus, EventPattern pattern, List<Target> targets) {}

    /** What a delivery carried: the rule, the target's resource and the message text the target received. */
    public record Delivery(String ruleId, String targetResource, String body) {}

    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Consumer<String>> targets;
    private final List<String> unwired = new ArrayList<>();
    private final List<Delivery> deliveries = new ArrayList<>();

    /**
     * @param parameters the deployment's parameter values (defaults of the template are added)
     * @param targets    what each target resource (by logical id) does with a delivered message
     */
    public EventRouter(CloudFormationTemplate template, Map<String, String> parameters, Map<String, Consumer<String>> targets) {
        this.targets = Map.copyOf(targets);
        Map<String, String> values = parameterValues(template, parameters);
        for (EventRule rule : template.rules()) {
            if (rule.condition().isPresent() && !template.condition(rule.condition().get(), values)
                    || rule.scheduleExpression().isPresent() && rule.eventPattern().isMissingNode()) {
                continue; // rules switched off by the test's parameters, and schedules, carry no events
            }
            JsonNode pattern = template.evaluate(rule.eventPattern(), values);
            String bus = rule.onDefaultBus() ? DEFAULT_BUS : logicalId(rule.eventBusName());
            routes.add(new Route(rule.logicalId(), bus, new EventPattern(pattern), rule.targets()));
            for (Target target : rule.targets()) {
                String resource = logicalId(target.arn());
                if (!targets.containsKey(resource)) {
                    unwired.add(rule.logicalId() + " -> " + resource);
                }
            }
        }
    }

    /** The template's parameter defaults overlaid with the given values. */
    public static Map<String, String> parameterValues(CloudFormationTemplate template, Map<String, String> parameters) {
        Map<String, String> values = new LinkedHashMap<>();
        template.parameters().fields().forEachRemaining(p -> {
            JsonNode def = p.getValue().get("Default");
            if (def != null) {
                values.put(p.getKey(), def.asText());
            }
        });
        values.putAll(parameters);
        return values;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Rule targets this router drops because the test did not wire their resource. */
    public List<String> unwiredTargets() {
        return List.copyOf(unwired);
    }

    /** Everything delivered so far, in order. */
    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /**
     * Puts one event (a full EventBridge envelope) on a bus: each matching rule delivers it to each of
     * its wired targets, transformed where the target has an input transformer. Returns the deliveries.
     */
    public synchronized List<Delivery> put(String bus, JsonNode envelope) {
        List<Delivery> made = new ArrayList<>();
        for (Route route : routes) {
            if (!route.bus().equals(bus) || !route.pattern().matches(envelope)) {
                continue;
            }
            for (Target target : route.targets()) {
                String resource = logicalId(target.arn());
                Consumer<String> sink = targets.get(resource);
                if (sink == null) {
                    continue;
                }
                String body = target.inputTransformer().isPresent() ? transform(target, envelope) : envelope.toString();
                sink.accept(body);
                Delivery delivery = new Delivery(route.ruleId(), resource, body);
                made.add(delivery);
                deliveries.add(delivery);
            }
        }
        return made;
    }

    /** The rules (by logical id) that match an event on a bus, without delivering it. */
    public List<String> matchingRules(String bus, JsonNode envelope) {
        return routes.stream().filter(r -> r.bus().equals(bus) && r.pattern().matches(envelope)).map(Route::ruleId).toList();
    }

    /** EventBridge's InputTransformer: InputPathsMap values picked from the event, put into InputTemplate. */
    static String transform(Target target, JsonNode envelope) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        target.inputPathsMap().forEach((name, path) -> values.put(name, select(envelope, path)));
        String template = target.inputTemplate().orElseThrow(() -> new IllegalArgumentException(
                "target " + target.id() + " has an input transformer without a string InputTemplate"));
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            JsonNode value;
            if (name.equals("aws.events.event.json")) {
                value = envelope;
            } else if (values.containsKey(name)) {
                value = values.get(name);
            } else {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
                continue;
            }
            boolean quoted = m.start() > 0 && template.charAt(m.start() - 1) == '"';
            String text;
            if (value == null || value.isMissingNode()) {
                text = quoted ? "" : "null";
            } else if (value.isTextual()) {
                // inside quotes the string's JSON-escaped content; outside, the string as JSON
                String json = value.toString();
                text = quoted ? json.substring(1, json.length() - 1) : json;
            } else {
                text = value.toString();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static JsonNode select(JsonNode envelope, String path) {
        if (!path.startsWith("$")) {
            throw new IllegalArgumentException("InputPathsMap path must start with $: " + path);
        }
        JsonNode node = envelope;
        for (String part : path.substring(1).split("\\.")) {
            if (!part.isEmpty()) {
                node = node.path(part);
            }
        }
        return node;
    }

    /** The logical id named by {"Fn::GetAtt": [id, attr]} or {"Ref": id}. */
    static String logicalId(JsonNode reference) {
        if (reference.has("Fn::GetAtt")) {
            return reference.get("Fn::GetAtt").get(0).asText();
        }
        if (reference.has("Ref")) {
            return reference.get("Ref").asText();
        }
        throw new IllegalArgumentException("cannot tell which resource " + reference + " names");
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Optional<String> text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }
}

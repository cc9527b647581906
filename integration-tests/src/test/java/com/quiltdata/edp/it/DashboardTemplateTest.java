package com.quiltdata.edp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.emit.Deadline;
import com.quiltdata.edp.emit.EmitSettings;
import com.quiltdata.edp.emit.EmitWiring;
import com.quiltdata.edp.emit.testing.EmitFixture;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.observe.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * dashboards/edp.json is the dashboard the template deploys: the same JSON, valid once substituted,
 * naming only metrics the functions emit (docs/configuration.md) and only resources of the stack. The
 * alarms on EDP metrics name documented ones too, and ones every emit tick emits. The
 * body is the string of a {@code !Sub} list whose variables name the opt-in processor's resources
 * when it is deployed (ADR 0315).
 */
class DashboardTemplateTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    private final CloudFormationTemplate template = CloudFormationTemplate.edp();
    private final String dashboardFile = Repository.read("dashboards/edp.json");

    private JsonNode sub() {
        JsonNode sub = template.resource("Dashboard").path("Properties").path("DashboardBody").path("Fn::Sub");
        assertTrue(sub.isArray() && sub.size() == 2 && sub.path(0).isTextual() && sub.path(1).isObject(),
                "DashboardBody must be !Sub [the dashboard JSON, {variables}], is " + sub);
        return sub;
    }

    private String embeddedBody() {
        return sub().path(0).asText();
    }

    /** The !Sub variables: each names a resource of the opt-in processor, or nothing without it. */
    private Map<String, JsonNode> subVariables() {
        Map<String, JsonNode> variables = new java.util.LinkedHashMap<>();
        sub().path(1).fields().forEachRemaining(e -> variables.put(e.getKey(), e.getValue()));
        return variables;
    }

    @Test
    void subVariablesNameProcessorResourcesOnlyWhenItIsDeployed() {
        // Given the variables of the body's !Sub
        Map<String, JsonNode> resources = template.resources();
        Set<String> used = variables(embeddedBody());
        List<String> problems = new ArrayList<>();
        subVariables().forEach((name, value) -> {
            // Then each is !If [the condition, something of a resource under that condition, a value that names nothing]
            JsonNode branches = value.path("Fn::If");
            if (!branches.isArray() || branches.size() != 3) {
                problems.add(name + " must be !If [HasProcessor, ..., ...], is " + value);
                return;
            }
            String condition = branches.path(0).asText();
            for (String resource : resourcesNamedBy(branches.path(1))) {
                JsonNode r = resources.get(resource);
                if (r == null || !condition.equals(r.path("Condition").asText())) {
                    problems.add(name + " names " + resource + ", which is not a resource under condition " + condition);
                }
            }
            if (resourcesNamedBy(branches.path(1)).isEmpty()) {
                problems.add(name + " names no resource when " + condition + " holds: " + branches.path(1));
            }
            if (!resourcesNamedBy(branches.path(2)).isEmpty()) {
                problems.add(name + " must name no resource when " + condition + " does not hold: " + branches.path(2));
            }
            if (!used.contains(name)) {
                problems.add(name + " is not used in the dashboard");
            }
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Resources a value refers to: Ref, GetAtt, or ${...} in a Sub. */
    private static List<String> resourcesNamedBy(JsonNode value) {
        List<String> names = new ArrayList<>();
        if (value.has("Ref")) {
            names.add(value.path("Ref").asText());
        } else if (value.has("Fn::GetAtt")) {
            JsonNode att = value.path("Fn::GetAtt");
            names.add(att.isArray() ? att.path(0).asText() : att.asText().split("\\.")[0]);
        } else if (value.path("Fn::Sub").isTextual()) {
            variables(value.path("Fn::Sub").asText()).stream().filter(v -> !v.startsWith("AWS::")).forEach(names::add);
        }
        return names;
    }

    /** The resource a ${Variable} of the !Sub stands for, as ${Resource} or ${Resource.Attribute}. */
    private String throughSubVariable(String value) {
        Matcher m = VARIABLE.matcher(value);
        JsonNode variable = m.matches() ? subVariables().get(m.group(1)) : null;
        if (variable == null) {
            return value;
        }
        JsonNode named = variable.path("Fn::If").path(1);
        if (named.has("Fn::GetAtt")) {
            JsonNode att = named.path("Fn::GetAtt");
            return "${" + (att.isArray() ? att.path(0).asText() + "." + att.path(1).asText() : att.asText()) + "}";
        }
        return "${" + named.path("Ref").asText() + "}";
    }

    @Test
    void templateEmbedsExactlyTheDashboardFile() throws Exception {
        assertTrue(MAPPER.readTree(dashboardFile).equals(MAPPER.readTree(embeddedBody())),
                "template.yaml's DashboardBody differs from dashboards/edp.json; run "
                        + "python3 integration-tests/src/test/python/sync_dashboard.py after editing the dashboard");
    }

    @Test
    void everySubstitutionNamesAParameterResourceOrPseudoParameter() {
        Set<String> parameters = new TreeSet<>();
        template.parameters().fieldNames().forEachRemaining(parameters::add);
        Map<String, JsonNode> resources = template.resources();
        List<String> problems = new ArrayList<>();
        for (String variable : variables(embeddedBody())) {
            String head = variable.contains(".") ? variable.substring(0, variable.indexOf('.')) : variable;
            boolean known = variable.equals("AWS::Region") || variable.equals("AWS::AccountId") || variable.equals("AWS::StackName")
                    || parameters.contains(variable) || resources.containsKey(head) || subVariables().containsKey(variable);
            if (!known) {
                problems.add("${" + variable + "} is neither a parameter, a resource nor a pseudo parameter");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void bodyIsValidDashboardJsonAfterSubstitution() throws Exception {
        // Given values for every variable, as CloudFormation would substitute them
        String body = VARIABLE.matcher(embeddedBody()).replaceAll(m -> Matcher.quoteReplacement(sample(m.group(1))));

        // Then the result parses, and its widgets fit CloudWatch's 24-column grid without overlapping
        JsonNode dashboard = MAPPER.readTree(body);
        JsonNode widgets = dashboard.path("widgets");
        assertTrue(widgets.size() > 0, "no widgets");
        List<int[]> boxes = new ArrayList<>();
        for (JsonNode widget : widgets) {
            int x = widget.path("x").asInt(-1);
            int y = widget.path("y").asInt(-1);
            int w = widget.path("width").asInt(0);
            int h = widget.path("height").asInt(0);
            assertTrue(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24, "widget outside the grid: " + widget.path("properties").path("title"));
            for (int[] other : boxes) {
                boolean overlap = x < other[0] + other[2] && other[0] < x + w && y < other[1] + other[3] && other[1] < y + h;
                assertTrue(!overlap, "widgets overlap at " + widget.path("properties").path("title"));
            }
            boxes.add(new int[] {x, y, w, h});
            if (widget.path("type").asText().equals("metric")) {
                assertEquals("us-east-1", widget.path("properties").path("region").asText(), "every metric widget takes the stack's region");
            }
        }
    }

    @Test
    void edpMetricsOfTheDashboardAndTheAlarmsAreExactlyTheDocumentedOnes() throws Exception {
        // Given every ["EDP", name, "Function", function, "Stack", stack] series on the dashboard
        Map<String, Set<String>> documented = ConfigurationDoc.load().metricsByFunction();
        Set<String> shown = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode metric : metrics(MAPPER.readTree(dashboardFile))) {
            if (!metric.path(0).asText().equals("EDP")) {
                continue;
            }
            String name = metric.path(1).asText();
            String function = metric.path(3).asText();
            if (!metric.path(2).asText().equals("Function") || !metric.path(4).asText().equals("Stack")
                    || !metric.path(5).asText().equals("${AWS::StackName}")) {
                problems.add(name + ": EDP metrics of a stack have the dimensions Function and Stack = ${AWS::StackName}");
            } else if (!documented.getOrDefault(function, Set.of()).contains(name)) {
                problems.add(name + " (Function=" + function + ") is not a metric docs/configuration.md lists for " + function);
            }
            shown.add(function + "/" + name);
        }
        // and every EDP metric an alarm watches
        alarmedEdpMetrics().forEach((alarm, metric) -> {
            String name = metric.path("MetricName").asText();
            String function = dimension(metric, "Function").asText();
            if (metric.path("Dimensions").size() != 2 || !dimension(metric, "Stack").path("Ref").asText().equals("AWS::StackName")) {
                problems.add(alarm + " watches " + name + ": EDP metrics of a stack have the dimensions Function and Stack = !Ref AWS::StackName");
            } else if (!documented.getOrDefault(function, Set.of()).contains(name)) {
                problems.add(alarm + " watches " + name + " (Function=" + function + "), which docs/configuration.md does not list for " + function);
            }
        });
        // Then each is documented, and each documented metric has a place on the dashboard
        documented.forEach((function, names) -> names.stream()
                .filter(name -> !shown.contains(function + "/" + name))
                .forEach(name -> problems.add(function + "/" + name + " is documented but not on the dashboard")));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyEdpMetricAnAlarmWatchesIsEmittedByEveryEmitTick() {
        // Given the EDP metrics the alarms watch (an alarm on a metric a tick leaves out sees no data, and stays OK)
        Map<String, JsonNode> alarmed = alarmedEdpMetrics();
        assertTrue(!alarmed.isEmpty(), "no alarm watches an EDP metric");
        // When one emit tick runs with nothing to do, against a real database
        List<String> lines = new ArrayList<>();
        try (EmitFixture f = new EmitFixture()) {
            EmitSettings settings = EmitSettings.from(new Env(Map.of("DB_URL", f.db.jdbcUrl(), "DB_USER", f.db.user(),
                    "DB_PASSWORD", f.db.password(), "EVENT_BUS_NAME", EmitFixture.BUS)));
            EmitWiring.assemble(f.database(), f.publisher(), Optional.empty(), settings, f.clock,
                    new Metrics("emit", Optional.of("edp"), f.clock, lines::add), Duration.ofSeconds(10)).run(Deadline.none());
        }
        assertEquals(1, lines.size(), "one EMF line per tick");
        JsonNode emf = Json.parse(lines.get(0)).path("_aws").path("CloudWatchMetrics").path(0);
        Set<String> emitted = new TreeSet<>();
        emf.path("Metrics").forEach(m -> emitted.add(m.path("Name").asText()));
        assertEquals("[[\"Function\",\"Stack\"]]", emf.path("Dimensions").toString());
        // Then every watched metric is in that line
        List<String> problems = new ArrayList<>();
        alarmed.forEach((alarm, metric) -> {
            String name = metric.path("MetricName").asText();
            String function = dimension(metric, "Function").asText();
            if (!function.equals("emit")) {
                problems.add(alarm + " watches " + name + " of " + function + ": this test runs only the emit tick; run that function here too");
            } else if (!emitted.contains(name)) {
                problems.add(alarm + " watches " + name + ", which an emit tick does not emit (it emits " + emitted + ")");
            }
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The metric ({Namespace, MetricName, Dimensions}) of each alarm, or of each metric of its math, in namespace EDP. */
    private Map<String, JsonNode> alarmedEdpMetrics() {
        Map<String, JsonNode> metrics = new java.util.LinkedHashMap<>();
        template.resourcesOfType("AWS::CloudWatch::Alarm").forEach((id, alarm) -> {
            JsonNode props = alarm.path("Properties");
            if (props.path("Namespace").asText().equals("EDP")) {
                metrics.put(id, props);
            }
            props.path("Metrics").forEach(query -> {
                JsonNode metric = query.path("MetricStat").path("Metric");
                if (metric.path("Namespace").asText().equals("EDP")) {
                    metrics.put(id + "/" + query.path("Id").asText(), metric);
                }
            });
        });
        return metrics;
    }

    private static JsonNode dimension(JsonNode metric, String name) {
        for (JsonNode d : metric.path("Dimensions")) {
            if (d.path("Name").asText().equals(name)) {
                return d.path("Value");
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    @Test
    void awsMetricsPointAtTheStacksOwnFunctionsQueuesAndRules() throws Exception {
        Map<String, JsonNode> resources = template.resources();
        Set<String> busRuleNames = new LinkedHashSet<>();
        template.rules().forEach(r -> {
            if (!r.onDefaultBus()) {
                r.name().ifPresent(busRuleNames::add);
                // a name the stack's name makes unique (the processor's rule) is on the dashboard as the same !Sub text
                JsonNode subName = template.resource(r.logicalId()).path("Properties").path("Name").path("Fn::Sub");
                if (subName.isTextual()) {
                    busRuleNames.add(subName.asText());
                }
            }
        });
        List<String> problems = new ArrayList<>();
        for (JsonNode metric : metrics(MAPPER.readTree(dashboardFile))) {
            String namespace = metric.path(0).asText();
            for (int i = 2; i + 1 < metric.size(); i += 2) {
                String dimension = metric.path(i).asText();
                String value = throughSubVariable(metric.path(i + 1).asText());
                switch (namespace + "/" + dimension) {
                    // the processor is a plain function (an image), the others SAM functions
                    case "AWS/Lambda/FunctionName" -> expectResource(problems, value, resources,
                            "AWS::Serverless::Function", "AWS::Lambda::Function");
                    case "AWS/SQS/QueueName" -> {
                        if (!value.endsWith(".QueueName}")) {
                            problems.add(value + ": queue names come from ${Queue.QueueName}");
                        }
                        expectResource(problems, value.replace(".QueueName", ""), resources, "AWS::SQS::Queue");
                    }
                    case "AWS/Events/EventBusName" -> {
                        if (!value.equals("${EventBusName}")) {
                            problems.add(value + ": the EDP bus is ${EventBusName}");
                        }
                    }
                    case "AWS/Events/RuleName" -> {
                        if (busRuleNames.contains(value)) {
                            continue;
                        }
                        if (value.startsWith("${")) {
                            expectResource(problems, value, resources, "AWS::Events::Rule");
                        } else if (!busRuleNames.contains(value)) {
                            problems.add(value + " is not the Name of a rule on the EDP bus " + busRuleNames);
                        }
                    }
                    default -> { }
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void thePanelsOfTheDesignAreThere() throws Exception {
        JsonNode dashboard = MAPPER.readTree(dashboardFile);
        Set<String> titles = new TreeSet<>();
        dashboard.path("widgets").forEach(w -> titles.add(w.path("properties").path("title").asText()));
        String all = dashboard.toString();
        for (String title : List.of("EDP bus events", "Store: errors and success rate", "Emit: errors and success rate",
                "Dead-letter queues", "Open batches and emit lag", "Packager outcomes", "Processor: batches",
                "Processor: files moved", "Processor: duration and queue")) {
            assertTrue(titles.contains(title), "missing panel " + title + " in " + titles);
        }
        for (String s3RuleMetric : List.of("Invocations", "TriggeredRules", "FailedInvocations")) {
            assertTrue(all.contains("[\"AWS/Events\",\"" + s3RuleMetric + "\",\"RuleName\",\"${BucketEventsRule}\""),
                    "the S3 rule panel shows " + s3RuleMetric);
        }
    }

    private static void expectResource(List<String> problems, String value, Map<String, JsonNode> resources, String... types) {
        Matcher m = VARIABLE.matcher(value);
        if (!m.matches()) {
            problems.add(value + " should be ${" + types[0] + " resource}");
            return;
        }
        JsonNode resource = resources.get(m.group(1));
        if (resource == null || !List.of(types).contains(resource.path("Type").asText())) {
            problems.add(value + " is not a " + String.join(" or ", types) + " of the template");
        }
    }

    /** Every metric array of every metric widget (expressions skipped). */
    private static List<JsonNode> metrics(JsonNode dashboard) {
        List<JsonNode> metrics = new ArrayList<>();
        dashboard.path("widgets").forEach(widget -> widget.path("properties").path("metrics").forEach(metric -> {
            if (metric.path(0).isTextual()) {
                metrics.add(metric);
            }
        }));
        return metrics;
    }

    private static Set<String> variables(String text) {
        Set<String> variables = new TreeSet<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            variables.add(m.group(1));
        }
        return variables;
    }

    private static String sample(String variable) {
        return switch (variable) {
            case "AWS::Region" -> "us-east-1";
            case "AWS::AccountId" -> "123456789012";
            default -> variable.replaceAll("[^A-Za-z0-9]", "-") + "-value";
        };
    }
}

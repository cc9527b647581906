package com.quiltdata.edp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The batch processor as the stack deploys it (ADR 0404): the Dockerfile that cannot be built here is
 * linted against the template, the module and the docs (base image, jar, handler), and the opt-in
 * resources (queue, DLQ, rule on the EDP bus, event source, IAM, alarms) exist exactly when
 * {@code ProcessorImageUri} is given.
 */
class ProcessorDeploymentTest {
    private static final String HANDLER = "com.quiltdata.edp.processor.ProcessorHandler::handleRequest";
    private static final List<String> PROCESSOR_RESOURCES = List.of("ProcessorDeadLetterQueue", "ProcessorQueue", "ProcessorRule",
            "ProcessorQueuePolicy", "ProcessorLogGroup", "ProcessorRole", "ProcessorFunction", "ProcessorEventSource",
            "ProcessorDeadLetterAlarm", "ProcessorErrorsAlarm");
    private static final String IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/edp-processor-lab:2026-12-01";

    private final CloudFormationTemplate template = CloudFormationTemplate.edp();
    private final ProcessorImage image = ProcessorImage.read();

    @Test
    void theDockerfileBuildsOnTheLambdaJavaBaseImageOfTheFunctionsRuntime() {
        // the same Java as the other functions (Globals Runtime java21), from AWS's public gallery, pinned to a major version
        String runtime = template.globals().path("Function").path("Runtime").asText();
        assertEquals("public.ecr.aws/lambda/java:" + runtime.substring("java".length()), image.from());
        assertEquals(List.of(new ProcessorImage.Copy("target/edp-processor.jar", "${LAMBDA_TASK_ROOT}/lib/")), image.copies(),
                "the shaded jar, where the base image's runtime puts jars on the classpath");
        assertEquals(List.of(HANDLER), image.cmd(), "CMD in exec form names the handler");
        // hadolint is not installed; these are the rules of it that apply to a file this small
        for (String instruction : image.instructions()) {
            assertFalse(instruction.matches("(?i)^(ADD|RUN|ENTRYPOINT|USER)\\b.*"), "the base image's entrypoint and user stay: " + instruction);
        }
        assertFalse(image.from().endsWith(":latest") || !image.from().contains(":"), "the base image has a version tag");
    }

    @Test
    void theImageCarriesTheModulesShadedJarWithTheHandlerTheTemplateRuns() throws Exception {
        // the jar the Dockerfile copies is the one the module's shade plugin names <module>/target/<module>.jar
        assertEquals("edp-processor/target/edp-processor.jar", image.jar().orElseThrow());
        String pom = Files.readString(Repository.file("edp-processor/pom.xml"), StandardCharsets.UTF_8);
        assertTrue(pom.contains("<artifactId>edp-processor</artifactId>") && pom.contains("maven-shade-plugin"));
        // the template runs the Dockerfile's handler, whatever CMD a derived image sets
        JsonNode function = template.resource("ProcessorFunction").path("Properties");
        assertEquals("Image", function.path("PackageType").asText());
        assertEquals("ProcessorImageUri", function.path("Code").path("ImageUri").path("Ref").asText());
        assertEquals(image.cmd(), texts(function.path("ImageConfig").path("Command")));
        // and the handler exists with its method, in the compiled module
        Class<?> type = Class.forName(HANDLER.substring(0, HANDLER.indexOf("::")));
        assertTrue(Stream.of(type.getMethods()).anyMatch(m -> m.getName().equals("handleRequest")));
        // the docs name the same handler and the same Dockerfile
        String configuration = Repository.read("docs/configuration.md");
        assertTrue(configuration.contains("`" + HANDLER + "`"), "configuration.md names the handler");
        assertTrue(Repository.read("docs/operations.md").contains(ProcessorImage.DOCKERFILE), "operations.md shows the build");
    }

    @Test
    void theProcessorIsDeployedOnlyWhenAnImageIsGiven() {
        for (String id : PROCESSOR_RESOURCES) {
            assertEquals("HasProcessor", template.resource(id).path("Condition").asText(), id);
        }
        assertFalse(template.condition("HasProcessor", Map.of("BucketName", "raw")), "off by default");
        assertTrue(template.condition("HasProcessor", Map.of("BucketName", "raw", "ProcessorImageUri", IMAGE)));
        String pattern = template.parameters().path("ProcessorImageUri").path("AllowedPattern").asText();
        for (String ok : List.of("", IMAGE, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/lab/processor@sha256:" + "a".repeat(64))) {
            assertTrue(ok.matches(pattern), ok);
        }
        for (String bad : List.of("edp-processor:latest", "public.ecr.aws/lambda/java:21", "123456789012.dkr.ecr.us-east-1.amazonaws.com/edp-processor")) {
            assertFalse(bad.matches(pattern), bad);
        }
    }

    @Test
    void readyBatchesReachItsQueueWhichOutlivesSixTimeoutsAndReportsPartialFailures() {
        CloudFormationTemplate.EventRule rule = template.rule("ProcessorRule");
        assertEquals("Bus", rule.eventBusName().path("Fn::GetAtt").path(0).asText());
        assertEquals("{\"source\":[\"com.quiltdata.edp\"],\"detail-type\":[\"package-objects-ready\"]}", rule.eventPattern().toString());
        assertEquals("ProcessorQueue", rule.targets().get(0).arn().path("Fn::GetAtt").path(0).asText());
        assertEquals("ProcessorDeadLetterQueue", rule.targets().get(0).raw().path("DeadLetterConfig").path("Arn").path("Fn::GetAtt").path(0).asText());

        int timeout = template.resource("ProcessorFunction").path("Properties").path("Timeout").asInt();
        JsonNode queue = template.resource("ProcessorQueue").path("Properties");
        assertTrue(queue.path("VisibilityTimeout").asInt() >= 6 * timeout, "visibility " + queue.path("VisibilityTimeout") + " vs timeout " + timeout);
        assertEquals("ProcessorDeadLetterQueue", queue.path("RedrivePolicy").path("deadLetterTargetArn").path("Fn::GetAtt").path(0).asText());
        JsonNode source = template.resource("ProcessorEventSource").path("Properties");
        assertEquals("ProcessorQueue", source.path("EventSourceArn").path("Fn::GetAtt").path(0).asText());
        assertEquals(List.of("ReportBatchItemFailures"), texts(source.path("FunctionResponseTypes")));
        assertEquals(1, source.path("BatchSize").asInt());
        // the program's own limit leaves time to download before and upload after it
        int maxCommand = template.parameters().path("ProcessorCommandTimeout").path("MaxValue").asInt();
        assertTrue(maxCommand + 60 <= timeout, "COMMAND_TIMEOUT up to " + maxCommand + " in a " + timeout + " s function");
        // its DLQ is watched
        JsonNode alarm = template.resource("ProcessorDeadLetterAlarm").path("Properties");
        assertEquals("ProcessorDeadLetterQueue", alarm.path("Dimensions").path(0).path("Value").path("Fn::GetAtt").path(0).asText());
    }

    @Test
    void itReadsAndWritesTheMonitoredBucketsOrItsTargetAndNothingElse() {
        Map<String, String> values = new HashMap<>(Map.of("VPC", "vpc-1", "Subnets", "subnet-1,subnet-2", "SecurityGroup", "sg-1",
                "BucketName", "raw-a,raw-b", "ProcessorImageUri", IMAGE));
        DeploymentModel model = new DeploymentModel(template.root(), values, Map.of());
        Map<String, List<String>> grants = grants(model.properties("ProcessorRole").path("Policies").path(0).path("PolicyDocument"));
        assertEquals(List.of("arn:*:s3:::raw-a", "arn:*:s3:::raw-b"), grants.get("s3:ListBucket"));
        assertEquals(List.of("arn:*:s3:::raw-a/*", "arn:*:s3:::raw-b/*"), grants.get("s3:GetObject"));
        assertEquals(List.of("arn:*:s3:::raw-a/*", "arn:*:s3:::raw-b/*"), grants.get("s3:PutObject"), "outputs go back to the batch's bucket");

        values.put("ProcessorTargetBucket", "processed");
        model = new DeploymentModel(template.root(), values, Map.of());
        grants = grants(model.properties("ProcessorRole").path("Policies").path(0).path("PolicyDocument"));
        assertFalse(grants.containsKey("s3:PutObject"), "with a target, the monitored buckets are read only: " + grants);
        Map<String, List<String>> target = grants(model.properties("ProcessorTargetPolicy").path("PolicyDocument"));
        assertEquals(List.of("arn:aws:s3:::processed/*"), target.get("s3:PutObject"));
        assertEquals("processed", model.properties("ProcessorFunction").path("Environment").path("Variables").path("TARGET_BUCKET").asText());
    }

    @Test
    void theStackSetsOnlyDocumentedVariablesAndLeavesTheProgramsSettingsToTheImage() throws IOException {
        // Given the processor's documented variables
        Set<String> documented = processorVariables(Repository.read("docs/configuration.md"));
        assertTrue(documented.containsAll(List.of("COMMAND", "HANDLER_COMMAND", "COMMAND_TIMEOUT", "TARGET_BUCKET", "TOPIC_ARN")), documented.toString());
        // When the template's environment of the function is read
        Set<String> set = new LinkedHashSet<>();
        template.resource("ProcessorFunction").path("Properties").path("Environment").path("Variables").fieldNames().forEachRemaining(set::add);
        // Then each is documented and read by the processor's code
        String code = sources("edp-processor") + sources("common");
        for (String name : set) {
            assertTrue(documented.contains(name) || name.equals("EDP_STACK_NAME"), name + " is not documented for the processor");
            assertTrue(code.contains("\"" + name + "\""), name + " is read by no code in edp-processor or common");
        }
        // and none of the program's settings: an image that sets HANDLER_COMMAND (s3-event-bridge's name) keeps it
        for (String program : List.of("COMMAND", "HANDLER_COMMAND", "MATCH_KEYS", "PULL_MATCH_KEYS", "MATCH_KEY", "EXECUTION_FILTER",
                "EXECUTION_FILTER_EXPR", "EXECUTION_FILTER_FILE", "PULL_PARENT_DIRS", "ROOT_FOLDER_VAR", "BUCKET_VAR", "KEY_PREFIX_VAR")) {
            assertFalse(set.contains(program), "the template overrides the image's " + program);
        }
    }

    /** The first cells of the variable tables of configuration.md's processor section. */
    static Set<String> processorVariables(String markdown) {
        Set<String> names = new LinkedHashSet<>();
        boolean inProcessor = false;
        Pattern code = Pattern.compile("`([A-Z][A-Z0-9_]+)`");
        for (String line : markdown.split("\n")) {
            if (line.startsWith("## ")) {
                inProcessor = line.toLowerCase().startsWith("## processor");
            }
            if (inProcessor && line.startsWith("| `")) {
                String first = line.substring(1, line.indexOf('|', 1));
                Matcher m = code.matcher(first);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    private static Map<String, List<String>> grants(JsonNode document) {
        Map<String, List<String>> byAction = new HashMap<>();
        for (JsonNode statement : document.path("Statement")) {
            for (String action : texts(statement.path("Action"))) {
                List<String> resources = byAction.computeIfAbsent(action, a -> new ArrayList<>());
                JsonNode resource = statement.path("Resource");
                if (resource.isArray()) {
                    resource.forEach(r -> resources.add(r.asText()));
                } else {
                    resources.add(resource.asText());
                }
            }
        }
        return byAction;
    }

    private static List<String> texts(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isTextual()) {
            values.add(node.asText());
        }
        node.forEach(n -> values.add(n.asText()));
        return values;
    }

    private static String sources(String module) throws IOException {
        Path dir = Repository.file(module + "/src/main/java");
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                all.append(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return all.toString();
    }
}

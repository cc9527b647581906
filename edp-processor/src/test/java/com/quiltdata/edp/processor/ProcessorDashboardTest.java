package com.quiltdata.edp.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.processor.testing.Events;
import com.quiltdata.edp.processor.testing.LocalS3;
import com.quiltdata.edp.testing.RepositoryFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's processor panels (dashboards/edp.json) show what the processor really emits: the
 * processor runs every kind of outcome against S3Mock with real commands, and the metric names of its
 * EMF lines are compared with the series of {@code Function = processor} on the dashboard.
 */
class ProcessorDashboardTest {
    private static final String BUCKET = "dashboard-bucket";

    private static LocalS3 s3;
    private final List<JsonNode> lines = new ArrayList<>();

    @BeforeAll
    static void start() {
        s3 = LocalS3.start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @Test
    void processorPanelsNameExactlyTheMetricsTheProcessorEmits() throws IOException {
        // Given every outcome of a message: processed with outputs, held, failed, timed out, rejected
        s3.put(BUCKET, "lab/ok/raw/a.csv", "1,2,3\n");
        s3.put(BUCKET, "lab/held/raw/a.csv", "1\n");
        s3.put(BUCKET, "lab/fail/raw/a.csv", "1\n");
        s3.put(BUCKET, "lab/slow/raw/a.csv", "1\n");
        handle(env("COMMAND", Json.write(List.of("sh", "-c", "cd \"$ROOT_FOLDER\" && mkdir -p out && cp raw/a.csv out/a.copy"))),
                Events.sqs(Events.ready(BUCKET, "lab/ok/")));
        handle(env("EXECUTION_FILTER", "false"), Events.sqs(Events.ready(BUCKET, "lab/held/")));
        handle(env("COMMAND", "[\"sh\", \"-c\", \"exit 7\"]"), Events.sqs(Events.ready(BUCKET, "lab/fail/"), "not json"));
        handle(env("COMMAND", "[\"sh\", \"-c\", \"sleep 30\"]", "COMMAND_TIMEOUT", "1"), Events.sqs(Events.ready(BUCKET, "lab/slow/")));

        // When the metric names of its EMF lines are collected
        Map<String, Double> emitted = new TreeMap<>();
        for (JsonNode line : lines) {
            assertEquals("processor", line.path("Function").asText(), line.toString());
            for (JsonNode directive : line.path("_aws").path("CloudWatchMetrics")) {
                assertEquals("EDP", directive.path("Namespace").asText(), line.toString());
                for (JsonNode metric : directive.path("Metrics")) {
                    String name = metric.path("Name").asText();
                    emitted.merge(name, line.path(name).asDouble(), Double::sum);
                }
            }
        }
        // (each outcome really happened)
        for (String outcome : List.of("BatchesProcessed", "BatchesHeld", "MessagesRejected", "CommandTimeouts", "ObjectsUploaded")) {
            assertTrue(emitted.getOrDefault(outcome, 0.0) >= 1, outcome + " did not happen: " + emitted);
        }
        assertEquals(2, emitted.get("BatchesFailed"), "the failing command and the timeout: " + emitted);

        // Then every processor series on the dashboard is one of them, and each of them has a place there
        Set<String> shown = new TreeSet<>();
        JsonNode dashboard = Json.parse(Files.readString(RepositoryFiles.find("dashboards/edp.json")));
        for (JsonNode widget : dashboard.path("widgets")) {
            for (JsonNode metric : widget.path("properties").path("metrics")) {
                if (metric.path(0).asText().equals("EDP") && metric.path(2).asText().equals("Function")
                        && metric.path(3).asText().equals("processor")) {
                    shown.add(metric.path(1).asText());
                    assertTrue(emitted.containsKey(metric.path(1).asText()), "panel '" + widget.path("properties").path("title").asText()
                            + "' shows " + metric.path(1).asText() + ", which the processor does not emit; it emits " + emitted.keySet());
                }
            }
        }
        assertEquals(emitted.keySet(), shown, "metrics the processor emits that no panel shows");
    }

    private void handle(Map<String, String> env, SQSEvent event) {
        new ProcessorHandler(ProcessorWiring.from(env, List.of()).messages(), line -> lines.add(Json.parse(line)))
                .handleRequest(event, null);
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of(
                "COMMAND", "[\"true\"]",
                "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(),
                "WORK_DIR", Path.of("target", "work").toAbsolutePath().toString()));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }
}

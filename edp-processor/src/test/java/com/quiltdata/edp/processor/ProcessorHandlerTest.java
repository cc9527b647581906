package com.quiltdata.edp.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.processor.testing.Events;
import com.quiltdata.edp.processor.testing.LocalS3;
import com.quiltdata.edp.testing.FakeSns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/** The Lambda entry point against S3Mock and a local SNS, running a real shell script. */
class ProcessorHandlerTest {
    private static final String SOURCE = "source-bucket";
    private static final String RESULTS = "results-bucket";
    private static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:edp";
    /** For each file under raw/, write its size to out/NAME.size; record where it ran. */
    private static final String SCRIPT = """
            #!/bin/sh
            set -eu
            cd "$ROOT_FOLDER"
            mkdir -p out
            for f in raw/*; do
              [ -f "$f" ] || continue
              wc -c < "$f" | tr -d ' ' > "out/$(basename "$f").size"
            done
            printf '%s %s\\n' "$BUCKET" "$KEY_PREFIX" > out/where.txt
            """;

    private static LocalS3 s3;
    private static FakeSns sns;
    @TempDir
    static Path scripts;
    private static Path script;
    private final List<JsonNode> metrics = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        s3 = LocalS3.start();
        sns = FakeSns.start();
        for (String bucket : List.of(SOURCE, RESULTS)) {
            s3.createBucket(bucket);
            // versioned, so that every write is counted
            s3.client().putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        }
        script = scripts.resolve("process.sh");
        Files.writeString(script, SCRIPT);
    }

    @AfterAll
    static void stop() {
        sns.close();
        s3.close();
    }

    @BeforeEach
    void clear() {
        sns.clear();
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of(
                "COMMAND", Json.write(List.of("sh", script.toString())),
                "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(),
                "WORK_DIR", Path.of("target", "work").toAbsolutePath().toString()));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private SQSBatchResponse handle(Map<String, String> env, SQSEvent event) {
        ProcessorHandler handler = new ProcessorHandler(ProcessorWiring.from(env, List.of()).messages(),
                line -> metrics.add(Json.parse(line)));
        return handler.handleRequest(event, null);
    }

    private double metric(String name) {
        return metrics.stream().mapToDouble(m -> m.path(name).asDouble(0)).sum();
    }

    /** Versions per key under a prefix: how many times each was written. */
    private static Map<String, Integer> writes(String bucket, String prefix) {
        Map<String, Integer> writes = new TreeMap<>();
        for (ObjectVersion v : s3.client().listObjectVersionsPaginator(r -> r.bucket(bucket).prefix(prefix)).versions()) {
            writes.merge(v.key(), 1, Integer::sum);
        }
        return writes;
    }

    @Test
    void shouldUploadOutputsAndReachAFixedPoint() {
        // Given two inputs; MATCH_KEYS pulls raw/ only, so the second run finds the outputs in S3, not locally
        s3.put(SOURCE, "lab/run-1/raw/a.csv", "1,2,3\n");
        s3.put(SOURCE, "lab/run-1/raw/b.csv", "4\n");
        Map<String, String> env = env("MATCH_KEYS", "/raw/");

        // When
        SQSBatchResponse first = handle(env, Events.sqs(Events.ready(SOURCE, "lab/run-1/")));

        // Then the outputs are there and the inputs were not written again
        assertEquals(List.of(), first.getBatchItemFailures());
        assertEquals("6", s3.get(SOURCE, "lab/run-1/out/a.csv.size").trim());
        assertEquals("2", s3.get(SOURCE, "lab/run-1/out/b.csv.size").trim());
        assertEquals(SOURCE + " lab/run-1/", s3.get(SOURCE, "lab/run-1/out/where.txt").trim());
        assertEquals(Map.of("lab/run-1/raw/a.csv", 1, "lab/run-1/raw/b.csv", 1, "lab/run-1/out/a.csv.size", 1,
                "lab/run-1/out/b.csv.size", 1, "lab/run-1/out/where.txt", 1), writes(SOURCE, "lab/run-1/"));
        assertEquals(3, metric("ObjectsUploaded"));

        // When the same batch runs again (its outputs written into a watched bucket would trigger it)
        SQSBatchResponse second = handle(env, Events.sqs(Events.ready(SOURCE, "lab/run-1/")));

        // Then nothing is written
        assertEquals(List.of(), second.getBatchItemFailures());
        assertEquals(3, metric("ObjectsUploaded"));
        assertEquals(2 + 5, metric("ObjectsUnchanged")); // 2 inputs in the first run, 2 inputs and 3 outputs in the second
        assertTrue(writes(SOURCE, "lab/run-1/").values().stream().allMatch(n -> n == 1), writes(SOURCE, "lab/run-1/").toString());

        // And with every key pulled (outputs downloaded too), a third run writes nothing either
        assertEquals(List.of(), handle(env(), Events.sqs(Events.ready(SOURCE, "lab/run-1/"))).getBatchItemFailures());
        assertTrue(writes(SOURCE, "lab/run-1/").values().stream().allMatch(n -> n == 1), writes(SOURCE, "lab/run-1/").toString());
    }

    @Test
    void shouldPullAndWriteBackKeysWithSpacesAndPlus() {
        // Given
        s3.put(SOURCE, "lab/run 2+x/raw/a b+c%41.csv", "hello");

        // When
        SQSBatchResponse response = handle(env(), Events.sqs(Events.ready(SOURCE, "lab/run 2+x/")));

        // Then
        assertEquals(List.of(), response.getBatchItemFailures());
        assertEquals("5", s3.get(SOURCE, "lab/run 2+x/out/a b+c%41.csv.size").trim());
        assertEquals(SOURCE + " lab/run 2+x/", s3.get(SOURCE, "lab/run 2+x/out/where.txt").trim());
        assertEquals(1, writes(SOURCE, "lab/run 2+x/raw/").get("lab/run 2+x/raw/a b+c%41.csv"));
    }

    @Test
    void shouldHoldTheBatchWhileTheFilterIsNotTrue() {
        // Given a filter that waits for a _SUCCESS marker
        s3.put(SOURCE, "lab/run-3/raw/a.csv", "abc");
        Map<String, String> env = env("EXECUTION_FILTER", "any(.[]; .key | endswith(\"/_SUCCESS\"))");

        // When
        SQSBatchResponse held = handle(env, Events.sqs(Events.ready(SOURCE, "lab/run-3/")));

        // Then the message is done with, the command did not run, nothing was written
        assertEquals(List.of(), held.getBatchItemFailures());
        assertEquals(1, metric("BatchesHeld"));
        assertEquals(List.of("lab/run-3/raw/a.csv"), List.copyOf(writes(SOURCE, "lab/run-3/").keySet()));

        // When the marker arrives, the next batch of the prefix runs
        s3.put(SOURCE, "lab/run-3/_SUCCESS", "");
        assertEquals(List.of(), handle(env, Events.sqs(Events.ready(SOURCE, "lab/run-3/"))).getBatchItemFailures());
        assertEquals("3", s3.get(SOURCE, "lab/run-3/out/a.csv.size").trim());
    }

    @Test
    void shouldReportAFailingCommandAndNotifyOnSns() {
        // Given a command that fails, and in the same batch a message that is not a batch at all
        s3.put(SOURCE, "lab/run-4/raw/a.csv", "abc");
        Map<String, String> env = env("COMMAND", "[\"sh\", \"-c\", \"echo broken >&2; touch out.txt; exit 7\"]",
                "TOPIC_ARN", TOPIC, "AWS_ENDPOINT_URL_SNS", sns.endpoint().toString());
        SQSEvent event = Events.sqs(Events.ready(SOURCE, "lab/run-4/"), "not json");

        // When
        SQSBatchResponse response = handle(env, event);

        // Then both are reported failed, nothing was uploaded, and each failure was published
        assertEquals(List.of(event.getRecords().get(0).getMessageId(), event.getRecords().get(1).getMessageId()),
                response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList());
        assertEquals(List.of("lab/run-4/raw/a.csv"), List.copyOf(writes(SOURCE, "lab/run-4/").keySet()));
        assertEquals(2, sns.published().size());
        JsonNode failure = Json.parse(sns.published().get(0).message());
        assertEquals(TOPIC, sns.published().get(0).topicArn());
        assertEquals("processor-failed", failure.path("type").asText());
        assertEquals("lab/run-4/", failure.path("prefix").asText());
        assertEquals(7, failure.path("exit_code").asInt());
        assertEquals("broken", failure.path("output_tail").asText());
        assertEquals(1, metric("BatchesFailed"));
        assertEquals(1, metric("MessagesRejected"));
    }

    @Test
    void shouldKillACommandThatRunsPastTheTimeout() {
        // Given
        s3.put(SOURCE, "lab/run-5/raw/a.csv", "abc");
        Map<String, String> env = env("COMMAND", "[\"sh\", \"-c\", \"sleep 30\"]", "COMMAND_TIMEOUT", "1");

        // When
        long start = System.nanoTime();
        SQSBatchResponse response = handle(env, Events.sqs(Events.ready(SOURCE, "lab/run-5/")));

        // Then
        assertEquals(1, response.getBatchItemFailures().size());
        assertTrue((System.nanoTime() - start) / 1_000_000_000 < 10);
        assertEquals(1, metric("CommandTimeouts"));
    }

    @Test
    void shouldWriteOnlyNewFilesToAnotherTargetBucket() {
        // Given inputs in the source and a separate results bucket
        s3.put(SOURCE, "lab/run-6/raw/a.csv", "abcd");

        // When
        SQSBatchResponse response = handle(env("TARGET_BUCKET", RESULTS), Events.sqs(Events.ready(SOURCE, "lab/run-6/")));

        // Then the unchanged input is not copied there, the outputs are
        assertEquals(List.of(), response.getBatchItemFailures());
        assertEquals(Map.of("lab/run-6/out/a.csv.size", 1, "lab/run-6/out/where.txt", 1), writes(RESULTS, "lab/run-6/"));
        assertEquals(List.of("lab/run-6/raw/a.csv"), List.copyOf(writes(SOURCE, "lab/run-6/").keySet()));
    }
}

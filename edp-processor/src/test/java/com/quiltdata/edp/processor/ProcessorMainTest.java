package com.quiltdata.edp.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.processor.testing.Events;
import com.quiltdata.edp.processor.testing.LocalS3;
import com.quiltdata.edp.testing.InProcessSqs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line runner: the poll loop against ElasticMQ (with its redrive policy) and S3Mock, and event files. */
class ProcessorMainTest {
    private static final String BUCKET = "main-bucket";
    private static LocalS3 s3;
    private static InProcessSqs sqs;
    @TempDir
    static Path dir;
    private static Path script;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws IOException {
        s3 = LocalS3.start();
        sqs = InProcessSqs.start();
        s3.createBucket(BUCKET);
        script = dir.resolve("copy.sh");
        Files.writeString(script, "#!/bin/sh\nset -eu\ncd \"$ROOT_FOLDER\"\nfor f in *.txt; do tr a-z A-Z < \"$f\" > \"$f.upper\"; done\n");
    }

    @AfterAll
    static void stop() {
        sqs.close();
        s3.close();
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of(
                "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(),
                "AWS_ENDPOINT_URL_SQS", sqs.endpoint().toString(),
                "SQS_WAIT_SECONDS", "1",
                "WORK_DIR", Path.of("target", "work").toAbsolutePath().toString()));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private int run(Map<String, String> env, AtomicBoolean stop, String... args) {
        return ProcessorMain.run(args, env, stop::get, new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shouldRetryAFailingBatchThenLeaveItToTheDlq() throws Exception {
        // Given a queue that gives up after two receives, and a command that always fails
        String queue = sqs.createQueueWithDlq("failing", 2, Map.of());
        String dlq = sqs.queueUrl("failing-dlq");
        s3.put(BUCKET, "lab/run-9/a.txt", "abc");
        sqs.send(queue, Events.ready(BUCKET, "lab/run-9/"));
        Path attempts = dir.resolve("attempts");
        Map<String, String> env = env("SQS_QUEUE_URL", queue, "SQS_VISIBILITY_TIMEOUT", "1",
                "COMMAND", Json.write(List.of("sh", "-c", "echo attempt >> '" + attempts + "'; exit 1")));

        // When the loop runs until the message has reached the DLQ
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger status = new AtomicInteger(-1);
        Thread loop = new Thread(() -> status.set(run(env, stop)));
        loop.start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (sqs.depth(dlq) == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        stop.set(true);
        loop.join(15_000);

        // Then it ran exactly twice, failed each time, and now waits in the DLQ
        assertEquals(1, sqs.depth(dlq), err.toString());
        assertEquals(0, sqs.depth(queue));
        assertEquals(List.of("attempt", "attempt"), Files.readAllLines(attempts));
        assertEquals(1, status.get(), err.toString());
        assertTrue(s3.snapshot(BUCKET, "lab/run-9/").keySet().equals(java.util.Set.of("lab/run-9/a.txt")));
    }

    @Test
    void shouldDrainTheQueueWithTheCommandGivenOnTheCommandLine() {
        // Given two batches waiting
        String queue = sqs.createQueueWithDlq("work", 3, Map.of());
        s3.put(BUCKET, "lab/run-10/a.txt", "abc");
        s3.put(BUCKET, "lab/run-11/b c+d.txt", "xyz");
        sqs.send(queue, Events.ready(BUCKET, "lab/run-10/"));
        sqs.send(queue, Events.ready(BUCKET, "lab/run-11/"));

        // When
        int status = run(env("SQS_MAX_MESSAGES", "10"), new AtomicBoolean(),
                "--queue", queue, "--until-empty", "--", "sh", script.toString());

        // Then
        assertEquals(0, status, err.toString());
        assertEquals("ABC", s3.get(BUCKET, "lab/run-10/a.txt.upper"));
        assertEquals("XYZ", s3.get(BUCKET, "lab/run-11/b c+d.txt.upper"));
        assertEquals(0, sqs.depth(queue));
    }

    @Test
    void shouldProcessOneEventFile() throws IOException {
        // Given
        s3.put(BUCKET, "lab/run-12/a.txt", "hi");
        Path event = dir.resolve("event.json");
        Files.writeString(event, Events.ready(BUCKET, "lab/run-12/"));
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"bucket\":\"" + BUCKET + "\"}");

        // Then a good event runs, a bad one fails, and a bad command line is a usage error
        assertEquals(0, run(env(), new AtomicBoolean(), event.toString(), "--", "sh", script.toString()), err.toString());
        assertEquals("HI", s3.get(BUCKET, "lab/run-12/a.txt.upper"));
        assertEquals(1, run(env(), new AtomicBoolean(), broken.toString(), "--", "sh", script.toString()));
        assertEquals(2, run(env(), new AtomicBoolean(), "--bogus"));
        assertEquals(2, run(env(), new AtomicBoolean(), event.toString()));
        assertTrue(err.toString().contains("COMMAND is required"), err.toString());
    }
}

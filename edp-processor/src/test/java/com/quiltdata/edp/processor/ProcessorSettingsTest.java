package com.quiltdata.edp.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.config.ConfigurationException;
import com.quiltdata.edp.config.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcessorSettingsTest {
    private static final Path TMP = Path.of("target", "work");

    @Test
    void shouldNameEveryProblemInOneError() {
        // Given
        Env env = new Env(Map.ofEntries(
                Map.entry("COMMAND", "[\"sh\", 3]"),
                Map.entry("COMMAND_TIMEOUT", "ten"),
                Map.entry("PULL_PARENT_DIRS", "-1"),
                Map.entry("MATCH_KEYS", "\\.csv$,([a-z]"),
                Map.entry("EXECUTION_FILTER", "length >"),
                Map.entry("TARGET_BUCKET", "Not_A_Bucket"),
                Map.entry("ROOT_FOLDER_VAR", "1ROOT"),
                Map.entry("BUCKET_VAR", "KEY_PREFIX"),
                Map.entry("DOWNLOAD_CONCURRENCY", "0"),
                Map.entry("TOPIC_ARN", "my-topic"),
                Map.entry("SQS_MAX_MESSAGES", "11"),
                Map.entry("AWS_ENDPOINT_URL_S3", "not a url")));

        // When
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ProcessorSettings.from(env, List.of(), TMP));

        // Then
        String message = e.getMessage();
        for (String name : List.of("COMMAND is not a JSON array", "COMMAND_TIMEOUT", "PULL_PARENT_DIRS", "MATCH_KEYS: '([a-z]'",
                "EXECUTION_FILTER", "TARGET_BUCKET", "ROOT_FOLDER_VAR", "KEY_PREFIX_VAR must name three different",
                "DOWNLOAD_CONCURRENCY", "TOPIC_ARN", "SQS_MAX_MESSAGES", "AWS_ENDPOINT_URL_S3")) {
            assertTrue(message.contains(name), name + " missing from: " + message);
        }
        assertEquals(12, e.problems().size(), message);
    }

    @Test
    void shouldRequireACommandUnlessOneIsGiven() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ProcessorSettings.from(new Env(Map.of()), List.of(), TMP));
        assertEquals(List.of("COMMAND is required"), e.problems());

        ProcessorSettings settings = ProcessorSettings.from(new Env(Map.of()), List.of("python3", "run.py"), TMP);
        assertEquals(List.of("python3", "run.py"), settings.command());
    }

    @Test
    void shouldReadDefaultsAndBothCommandForms() {
        ProcessorSettings words = ProcessorSettings.from(new Env(Map.of("COMMAND", "python3  handler.py --fast")), List.of(), TMP);
        assertEquals(List.of("python3", "handler.py", "--fast"), words.command());
        assertEquals(Duration.ofSeconds(300), words.commandTimeout());
        assertEquals(Duration.ofSeconds(420), words.visibilityTimeout());
        assertEquals("ROOT_FOLDER", words.variableNames().rootFolder());
        assertEquals(Optional.empty(), words.endpoints().s3());

        ProcessorSettings json = ProcessorSettings.from(new Env(Map.of(
                "COMMAND", "[\"sh\", \"-c\", \"echo a b > out.txt\"]",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
                "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324")), List.of(), TMP);
        assertEquals(List.of("sh", "-c", "echo a b > out.txt"), json.command());
        assertEquals("127.0.0.1:4566", json.endpoints().s3().orElseThrow().getAuthority());
        assertEquals("127.0.0.1:9324", json.endpoints().sqs().orElseThrow().getAuthority());
    }
}

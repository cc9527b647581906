package com.quiltdata.edp.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.config.ConfigurationException;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.processor.domain.ReadyBatch;
import com.quiltdata.edp.processor.domain.ReadyBatchParser;
import com.quiltdata.edp.processor.jq.JqExecutionFilter;
import com.quiltdata.edp.processor.port.ExecutionFilter;
import com.quiltdata.edp.processor.port.ExecutionFilter.Verdict.Kind;
import com.quiltdata.edp.processor.port.StoredObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The s3-event-bridge README's variables and jq examples, taken unchanged: a user who configured that
 * project configures the processor with the same names and filters.
 */
class S3EventBridgeCompatibilityTest {
    private static final Path TMP = Path.of("target", "work");
    private static final ReadyBatch BATCH = ReadyBatchParser.parse(
            "{\"bucket\":\"b1\",\"prefix\":\"jobs/\",\"object_count\":4,\"trigger\":\"quiet\"}");

    /** The README's map-reduce coordination example, verbatim. */
    private static final String MAP_REDUCE = """
            group_by(.Key | split("/") | .[:-1]) | all(
              any(.Key | split("/") | .[-1] == "input.txt") and
              any(.Key | split("/") | .[-1] == "output.txt")
            )""";

    /** The README's follow-up: a 0-byte output.txt is an error case (its Size property). */
    private static final String NO_EMPTY_OUTPUT = "map(select(.Key | endswith(\"/output.txt\"))) | all(.Size > 0)";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "every folder has input and output              | a/input.txt:5 a/output.txt:3 b/input.txt:5 b/output.txt:9 | RUN",
            "one folder still lacks its output              | a/input.txt:5 a/output.txt:3 b/input.txt:5                | HOLD",
            "outputs only                                   | a/output.txt:3                                            | HOLD",
    })
    void theReadmesMapReduceFilterRunsUnchanged(String name, String listing, Kind expected) {
        ExecutionFilter filter = settings(Map.of("HANDLER_COMMAND", "true", "EXECUTION_FILTER_EXPR", MAP_REDUCE)).filter().orElseThrow();
        assertEquals(expected, filter.evaluate(objects(listing), BATCH).kind());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "outputs have bytes   | a/input.txt:5 a/output.txt:3 | RUN",
            "an empty output      | a/input.txt:5 a/output.txt:0 | HOLD",
    })
    void filtersSeeS3sSizeProperty(String name, String listing, Kind expected) {
        ExecutionFilter filter = settings(Map.of("HANDLER_COMMAND", "true", "EXECUTION_FILTER_EXPR", NO_EMPTY_OUTPUT)).filter().orElseThrow();
        assertEquals(expected, filter.evaluate(objects(listing), BATCH).kind());
    }

    @Test
    void theS3ShapeCarriesS3sNamesAndValues() {
        String expression = ".[0] | .Key == \"jobs/a/input.txt\" and .Size == 5 and .ETag == \"\\\"e0\\\"\""
                + " and .LastModified == \"2026-11-02T10:00:00Z\" and .StorageClass == \"STANDARD\"";
        ExecutionFilter filter = settings(Map.of("COMMAND", "true", "EXECUTION_FILTER", expression, "EXECUTION_FILTER_INPUT", "s3"))
                .filter().orElseThrow();
        assertEquals(Kind.RUN, filter.evaluate(objects("a/input.txt:5"), BATCH).kind());
    }

    @Test
    void anExpressionFromAFileIsReadAsUtf8(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("filter.jq");
        Files.writeString(file, MAP_REDUCE + " # ünïcode comment\n", StandardCharsets.UTF_8);

        ExecutionFilter filter = settings(Map.of("HANDLER_COMMAND", "true", "EXECUTION_FILTER_FILE", file.toString())).filter().orElseThrow();

        assertEquals(Kind.RUN, filter.evaluate(objects("a/input.txt:1 a/output.txt:1"), BATCH).kind());
        assertEquals(Kind.HOLD, filter.evaluate(objects("a/input.txt:1"), BATCH).kind());
    }

    @Test
    void ourOwnNameKeepsOurShapeUnlessAskedOtherwise() {
        ProcessorSettings ours = settings(Map.of("COMMAND", "true", "EXECUTION_FILTER", "all(.[]; .size > 0)"));
        assertEquals(Kind.RUN, ours.filter().orElseThrow().evaluate(objects("a/input.txt:5"), BATCH).kind());

        ProcessorSettings theirsAsOurs = settings(Map.of("COMMAND", "true", "EXECUTION_FILTER_EXPR", "all(.[]; .size > 0)",
                "EXECUTION_FILTER_INPUT", "edp"));
        assertEquals(Kind.RUN, theirsAsOurs.filter().orElseThrow().evaluate(objects("a/input.txt:5"), BATCH).kind());
    }

    @Test
    void handlerCommandIsAShellExpression() {
        ProcessorSettings settings = settings(Map.of("HANDLER_COMMAND", "python handler.py > \"$ROOT_FOLDER/log.txt\""));
        assertEquals(List.of("sh", "-c", "python handler.py > \"$ROOT_FOLDER/log.txt\""), settings.command());
    }

    @Test
    void pullMatchKeysSelectsWhatIsDownloaded() {
        ProcessorSettings settings = settings(Map.of("HANDLER_COMMAND", "true", "PULL_MATCH_KEYS", "\\.txt$,\\.csv$"));
        assertTrue(settings.options().matchKeys().matches("jobs/a/input.txt"));
        assertTrue(settings.options().matchKeys().matches("jobs/a/table.csv"));
        assertTrue(!settings.options().matchKeys().matches("jobs/a/image.png"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a matching key runs the batch          | input\\.txt$ | a/input.txt:1 a/notes.md:1 | RUN",
            "no matching key holds it               | input\\.txt$ | a/notes.md:1               | HOLD",
    })
    void matchKeyDecidesWhetherABatchTriggers(String name, String regex, String listing, Kind expected) {
        ProcessorSettings settings = settings(Map.of("HANDLER_COMMAND", "true", "MATCH_KEY", regex));
        ExecutionFilter.Verdict verdict = settings.filter().orElseThrow().evaluate(objects(listing), BATCH);
        assertEquals(expected, verdict.kind(), verdict.reason());
    }

    @Test
    void matchKeyAndTheFilterMustBothSayRun() {
        ProcessorSettings settings = settings(Map.of("HANDLER_COMMAND", "true", "MATCH_KEY", "output\\.txt$",
                "EXECUTION_FILTER_EXPR", NO_EMPTY_OUTPUT));
        assertEquals(Kind.RUN, settings.filter().orElseThrow().evaluate(objects("a/output.txt:2"), BATCH).kind());
        assertEquals(Kind.HOLD, settings.filter().orElseThrow().evaluate(objects("a/output.txt:0"), BATCH).kind());
        assertEquals(Kind.HOLD, settings.filter().orElseThrow().evaluate(objects("a/input.txt:2"), BATCH).kind());
    }

    @ParameterizedTest(name = "{0} and {2}")
    @CsvSource(delimiter = '|', value = {
            "COMMAND          | python run.py     | HANDLER_COMMAND       | python other.py",
            "MATCH_KEYS       | \\.csv$           | PULL_MATCH_KEYS       | \\.txt$",
            "EXECUTION_FILTER | true              | EXECUTION_FILTER_EXPR | false",
    })
    void bothNamesWithDifferentValuesAreRejected(String ours, String ourValue, String theirs, String theirValue) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(ours, ourValue, theirs, theirValue));
        env.putIfAbsent("COMMAND", "true");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> settings(env));
        assertTrue(e.getMessage().contains(ours + " and " + theirs + " are both set"), e.getMessage());
    }

    @Test
    void bothNamesWithTheSameValueAreAccepted() {
        ProcessorSettings settings = settings(Map.of("COMMAND", "python run.py", "HANDLER_COMMAND", "python run.py",
                "MATCH_KEYS", "\\.csv$", "PULL_MATCH_KEYS", "\\.csv$"));
        assertEquals(List.of("python", "run.py"), settings.command());
    }

    @Test
    void expressionAndFileTogetherAreRejected(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f.jq"), "true");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> settings(Map.of("HANDLER_COMMAND", "true",
                "EXECUTION_FILTER_EXPR", "true", "EXECUTION_FILTER_FILE", file.toString())));
        assertTrue(e.getMessage().contains("EXECUTION_FILTER_EXPR and EXECUTION_FILTER_FILE are both set"), e.getMessage());
    }

    @Test
    void anUnreadableFilterFileIsNamed(@TempDir Path dir) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> settings(Map.of("HANDLER_COMMAND", "true",
                "EXECUTION_FILTER_FILE", dir.resolve("missing.jq").toString())));
        assertTrue(e.getMessage().contains("EXECUTION_FILTER_FILE"), e.getMessage());
        assertTrue(e.getMessage().contains("missing.jq"), e.getMessage());
    }

    private static ProcessorSettings settings(Map<String, String> env) {
        return ProcessorSettings.from(new Env(env), List.of(), TMP);
    }

    /** "a/input.txt:5 b/x:0" → objects under jobs/ with those sizes, in key order. */
    private static List<StoredObject> objects(String listing) {
        List<StoredObject> objects = new ArrayList<>();
        int i = 0;
        for (String item : listing.trim().split("\\s+")) {
            String[] parts = item.split(":");
            objects.add(new StoredObject("jobs/" + parts[0], Long.parseLong(parts[1]), "\"e" + i++ + "\"",
                    Instant.parse("2026-11-02T10:00:00Z"), "STANDARD"));
        }
        return objects;
    }
}

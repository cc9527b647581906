package com.quiltdata.edp.processor.jq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.quiltdata.edp.processor.domain.ReadyBatch;
import com.quiltdata.edp.processor.domain.ReadyBatchParser;
import com.quiltdata.edp.processor.port.ExecutionFilter.Verdict.Kind;
import com.quiltdata.edp.processor.port.StoredObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JqExecutionFilterTest {
    private static final ReadyBatch BATCH = ReadyBatchParser.parse(
            "{\"bucket\":\"b1\",\"prefix\":\"lab/run-7/\",\"object_count\":2,\"trigger\":\"quiet\"}");
    private static final List<StoredObject> OBJECTS = List.of(
            new StoredObject("lab/run-7/a.csv", 10, "\"e1\"", Instant.parse("2026-11-02T10:00:00Z"), "STANDARD"),
            new StoredObject("lab/run-7/_SUCCESS", 0, "\"e2\"", Instant.parse("2026-11-02T10:01:00Z"), "STANDARD"));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = "=>", value = {
            "any(.[]; .key | endswith(\"/_SUCCESS\")) => RUN",
            "length == $batch.object_count => RUN",
            "$batch.trigger == \"count\" => HOLD",
            "false => HOLD",
            "null => HOLD",
            "empty => HOLD",
            "1 => HOLD",
            "true, true => HOLD",
            ".[0].size + \"x\" => ERROR",
            "error(\"no\") => ERROR",
    })
    void shouldRunOnlyOnASingleTrue(String expression, Kind expected) {
        assertEquals(expected, JqExecutionFilter.compile(expression).evaluate(OBJECTS, BATCH).kind());
    }

    @org.junit.jupiter.api.Test
    void shouldRejectAnExpressionThatDoesNotCompile() {
        assertThrows(IllegalArgumentException.class, () -> JqExecutionFilter.compile("map(.key"));
    }
}

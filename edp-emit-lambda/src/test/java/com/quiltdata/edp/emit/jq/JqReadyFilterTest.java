package com.quiltdata.edp.emit.jq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.emit.domain.BatchObject;
import com.quiltdata.edp.emit.port.ReadyFilter.Verdict;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JqReadyFilterTest {
    private static final Instant T = Instant.parse("2026-11-02T10:00:00Z");
    private static final List<BatchObject> OBJECTS = List.of(
            new BatchObject("lab/run-7/a.csv", 10L, "e1", "v1", T, false),
            new BatchObject("lab/run-7/manifest.json", 2L, "e2", null, T, false),
            new BatchObject("lab/run-7/old.csv", null, null, "v3", T, true));

    @ParameterizedTest(name = "{0} -> ready={1}, error={2}")
    @CsvSource(delimiter = '#', value = {
        "true                                                   # true  # false",
        "length == 3                                            # true  # false",
        "any(.[]; .key | endswith(\"/manifest.json\"))          # true  # false",
        "[.[] | select(.deleted | not)] | length >= 2           # true  # false",
        "map(select(.deleted)) | .[0].size == null              # true  # false",
        ".[0].event_time == \"2026-11-02T10:00:00Z\"            # true  # false",
        "false                                                  # false # false",
        "null                                                   # false # false",
        "empty                                                  # false # false",
        ".[] | .deleted                                         # false # false",
        "\"true\"                                               # false # false",
        ".[0].key | tonumber                                    # false # true",
        "error(\"not yet\")                                     # false # true",
        "def f: f; f                                            # false # true"})
    void shouldAcceptOnlyASingleTrue(String expression, boolean ready, boolean error) {
        Verdict verdict = JqReadyFilter.compile(expression.trim()).evaluate(OBJECTS);
        assertEquals(ready, verdict.ready(), verdict.reason());
        assertEquals(error, verdict.error(), verdict.reason());
    }

    @Test
    void shouldGiveTheReasonForHoldingABatch() {
        assertEquals("no output", JqReadyFilter.compile("empty").evaluate(OBJECTS).reason());
        assertEquals("more than one output", JqReadyFilter.compile(".[] | true").evaluate(OBJECTS).reason());
        assertEquals("false", JqReadyFilter.compile("false").evaluate(OBJECTS).reason());
        assertTrue(JqReadyFilter.compile("error(\"not yet\")").evaluate(OBJECTS).reason().contains("not yet"));
    }

    @Test
    void shouldStopAtTheSecondOutputOfAnEndlessGenerator() {
        assertFalse(JqReadyFilter.compile("repeat(true)").evaluate(OBJECTS).ready());
    }

    @Test
    void shouldRejectAnExpressionThatDoesNotCompile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JqReadyFilter.compile("length >="));
        assertTrue(e.getMessage().startsWith("not a valid jq expression"), e.getMessage());
    }
}

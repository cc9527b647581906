package com.quiltdata.edp.jq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.IntNode;
import com.quiltdata.edp.json.Json;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class JqPredicateTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "length == 2            | yes",
        "length == 3            | no: false",
        "null                   | no: null",
        ".[0]                   | no: {\"a\":1}",
        "empty                  | no: no output",
        "true, true             | no: more than one output",
        "true, error(\"boom\")  | failed: boom",
        "error(\"boom\")        | failed: boom",
        ".[0] == $n             | no: false",
        "$n == 3                | yes",
    })
    void failsClosed(String expression, String expected) {
        JqPredicate.Answer answer = JqPredicate.compile(expression)
                .ask(Json.parse("[{\"a\":1},{\"a\":2}]"), Map.of("n", IntNode.valueOf(3)));
        String shown = answer instanceof JqPredicate.Answer.No no ? "no: " + no.reason()
                : answer instanceof JqPredicate.Answer.Failed f ? "failed: " + f.message()
                : "yes";
        assertEquals(expected, shown);
    }

    @Test
    void longOutputsAreShortenedInTheReason() {
        JqPredicate.Answer answer = JqPredicate.compile("\"" + "x".repeat(200) + "\"").ask(Json.parse("null"), Map.of());
        assertEquals("\"" + "x".repeat(79) + "…", assertInstanceOf(JqPredicate.Answer.No.class, answer).reason());
    }

    @Test
    void aSyntaxErrorIsNamedAtCompileTime() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JqPredicate.compile("length =="));
        assertEquals(true, e.getMessage().startsWith("not a valid jq expression: "), e.getMessage());
    }
}

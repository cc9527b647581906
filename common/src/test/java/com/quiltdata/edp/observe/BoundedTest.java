package com.quiltdata.edp.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BoundedTest {

    @AfterEach
    void restoreLog() {
        Log.redirect(System.out, Boolean.getBoolean("edp.log.quiet"));
    }

    @Test
    void shortValuesAreEchoedAsTheyAre() {
        assertEquals("lab/run-7/a.csv", Bounded.text("lab/run-7/a.csv"));
        assertEquals("'01ab'", Bounded.quoted("01ab"));
        assertEquals("null", Bounded.text(null));
        assertEquals("x".repeat(200), Bounded.text("x".repeat(200)));
    }

    @Test
    void aMegabyteValueIsCutToItsStartAndItsLength() {
        String sequencer = "g".repeat(1_000_000);

        String echoed = Bounded.text(sequencer);

        assertEquals("g".repeat(200) + "...[cut, 1000000 chars]", echoed);
    }

    @Test
    void theCutNeverSplitsASurrogatePair() {
        String emoji = "\uD83D\uDE00";
        String text = "x".repeat(199) + emoji + "y".repeat(10);

        String echoed = Bounded.text(text);

        assertEquals("x".repeat(199) + "...[cut, 211 chars]", echoed);
    }

    @Test
    void everyLogValueIsBoundedEvenWhenTheCallerComposedIt() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Log.redirect(new PrintStream(captured, true, StandardCharsets.UTF_8), false);

        Log.of("test").warn("message rejected", "reason", "sequencer is not hexadecimal: " + "z".repeat(1_000_000), "count", 3);

        String line = captured.toString(StandardCharsets.UTF_8).trim();
        assertTrue(line.length() < 3_000, "log line of " + line.length() + " chars");
        JsonNode json = Json.parse(line);
        assertTrue(json.get("reason").asText().endsWith("...[cut, 1000030 chars]"), json.get("reason").asText());
        assertEquals(3, json.get("count").asInt());
    }
}

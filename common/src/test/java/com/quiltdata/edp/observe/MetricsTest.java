package com.quiltdata.edp.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.config.MetricsSettings;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void aDeployedFunctionsMetricsCarryItsStackSoTwoStacksDoNotAddUp() throws Exception {
        List<String> lines = new ArrayList<>();
        Optional<String> stack = MetricsSettings.from(new Env(Map.of("EDP_STACK_NAME", "edp-lab"))).stack();
        Metrics metrics = new Metrics("store", stack, clock, lines::add);

        metrics.count("EventsStored", 3).flush();

        JsonNode line = MAPPER.readTree(lines.get(0));
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").path(0);
        assertEquals("EDP", directive.path("Namespace").asText());
        assertEquals("[[\"Function\",\"Stack\"]]", directive.path("Dimensions").toString());
        assertEquals("store", line.path("Function").asText());
        assertEquals("edp-lab", line.path("Stack").asText());
        assertEquals(3, line.path("EventsStored").asInt());
    }

    @Test
    void outsideAStackMetricsKeepTheSingleDimensionFunction() throws Exception {
        List<String> lines = new ArrayList<>();
        Optional<String> stack = MetricsSettings.from(new Env(Map.of())).stack();
        new Metrics("local", stack, clock, lines::add).count("EventsStored", 1).flush();

        JsonNode line = MAPPER.readTree(lines.get(0));
        assertEquals("[[\"Function\"]]", line.path("_aws").path("CloudWatchMetrics").path(0).path("Dimensions").toString());
        assertEquals(false, line.has("Stack"));
    }
}

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
    void sampledMetricsKeepEveryValueAsAnArrayOfAtMostOneHundredPerLine() throws Exception {
        List<String> lines = new ArrayList<>();
        Metrics metrics = new Metrics("emit", Optional.empty(), clock, lines::add);
        for (int i = 0; i < 150; i++) {
            metrics.sample("AnnounceDelaySecondsCount", i / 10.0, "Seconds");
        }
        metrics.sample("AnnounceDelaySecondsQuiet", 4.5, "Seconds").count("BatchesEmitted", 151).flush();

        assertEquals(2, lines.size(), "150 values need two lines");
        JsonNode first = MAPPER.readTree(lines.get(0));
        assertEquals(100, first.path("AnnounceDelaySecondsCount").size());
        assertEquals(0.1, first.path("AnnounceDelaySecondsCount").path(1).asDouble());
        assertEquals("[4.5]", first.path("AnnounceDelaySecondsQuiet").toString());
        assertEquals(151, first.path("BatchesEmitted").asInt());
        JsonNode second = MAPPER.readTree(lines.get(1));
        assertEquals(50, second.path("AnnounceDelaySecondsCount").size());
        assertEquals(14.9, second.path("AnnounceDelaySecondsCount").path(49).asDouble());
        assertEquals(true, second.path("BatchesEmitted").isMissingNode(), "summed metrics are written once");
        assertEquals(1, second.path("_aws").path("CloudWatchMetrics").path(0).path("Metrics").size());

        metrics.flush();
        assertEquals(2, lines.size(), "a flush forgets what it wrote");
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

package com.quiltdata.edp.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.quiltdata.edp.emit.testing.EventSchemas;
import com.quiltdata.edp.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The published-event samples in samples/events/ match the schemas the emitter is held to. */
class SampleEventsTest {

    @ParameterizedTest
    @ValueSource(strings = {"package-objects-ready", "package-ready"})
    void shouldMatchItsSchema(String detailType) throws IOException {
        String json = Files.readString(Path.of("..", "samples", "events", detailType + ".json"));
        assertEquals(detailType, Json.parse(json).path("detail-type").asText());
        assertEquals(List.of(), EventSchemas.problems(json, detailType));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"trigger\": \"quiet\"|\"trigger\": \"later\"",
        "\"version\": \"0.1\"|\"version\": \"0.2\"",
        "\"prefix\": \"lab/run-7/\"|\"prefix\": \"lab/run-7\"",
        "\"object_count\": 20|\"object_count\": -1",
        "\"trigger\": \"quiet\"|\"trigger\": \"quiet\", \"extra\": 1",
        "\"last_event_time\": \"2026-11-02T10:10:47.915Z\"|\"last_event_time\": \"yesterday\""})
    void shouldRejectABrokenPackageObjectsReady(String replacement) throws IOException {
        String[] parts = replacement.split("\\|");
        String json = Files.readString(Path.of("..", "samples", "events", "package-objects-ready.json"));
        String broken = json.replace(parts[0], parts[1]);
        assertFalse(broken.equals(json), "the sample no longer contains " + parts[0]);
        assertFalse(EventSchemas.problems(broken, "package-objects-ready").isEmpty(), broken);
    }
}

package com.quiltdata.edp.emit;

import static com.quiltdata.edp.emit.testing.EmitFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.emit.testing.EmitFixture;
import com.quiltdata.edp.emit.testing.OpenBatches;
import com.quiltdata.edp.emit.testing.PackageRevisions;
import com.quiltdata.edp.emit.testing.TestContext;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.observe.Metrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmitHandlerTest {
    private static final String BUCKET = "amzn-s3-demo-bucket";
    private final EmitFixture f = new EmitFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("DB_URL", f.db.jdbcUrl());
        env.put("DB_USER", f.db.user());
        env.put("DB_PASSWORD", f.db.password());
        env.put("EVENT_BUS_NAME", EmitFixture.BUS);
        env.put("BUCKET_THRESHOLD_EVENT_COUNT", "5");
        env.put("BUCKET_READY_SENTINELS", "_SUCCESS");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL", f.bus.endpoint().toString());
        return env;
    }

    private static byte[] scheduleTick() throws IOException {
        Path sample = Path.of("..", "samples", "events", "emit-schedule-tick.json");
        return Files.exists(sample) ? Files.readAllBytes(sample) : "{}".getBytes();
    }

    @Test
    void shouldRunOneTickAndAnswerItsSummaryWithMetrics() throws IOException {
        // Given a count-ready batch, a quiet one, a sentinel one, one not yet due and a ready revision
        OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 5, T0, T0.plusSeconds(590));
        OpenBatches.insert(f.db, BUCKET, "lab/run-2/", 1, T0, T0);
        OpenBatches.batch(BUCKET, "lab/run-3/").files(1).file("_SUCCESS", 0).lastActivityAt(T0.plusSeconds(590)).insert(f.db);
        OpenBatches.insert(f.db, BUCKET, "lab/run-4/", 1, T0.plusSeconds(500), T0.plusSeconds(590));
        PackageRevisions.insert(f.db, BUCKET, "lab/run-0", PackageRevisions.hash(0), T0, T0.plusSeconds(60));
        f.clock.set(T0.plusSeconds(600));
        List<String> emf = new ArrayList<>();
        EmitSettings settings = EmitSettings.from(new Env(environment()));
        EmitTick tick = EmitWiring.assemble(f.database(), f.publisher(), Optional.empty(), settings, f.clock,
                new Metrics("emit", f.clock, emf::add), Duration.ofSeconds(10));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        // When the schedule invokes the handler with 60 s left
        new EmitHandler(tick).handleRequest(new ByteArrayInputStream(scheduleTick()), out, TestContext.withRemainingMillis(60_000));

        // Then it answers the summary
        JsonNode summary = Json.parse(out.toString());
        assertEquals(3, summary.path("emitted").asInt(), summary.toString());
        assertEquals(1, summary.path("emitted_count").asInt());
        assertEquals(1, summary.path("emitted_quiet").asInt());
        assertEquals(1, summary.path("emitted_sentinel").asInt());
        assertEquals(1, summary.path("package_ready").asInt());
        assertEquals(1, summary.path("open_batches").asInt());
        assertEquals(false, summary.path("stopped_early").asBoolean());

        // and one EMF line with the documented metric names
        assertEquals(1, emf.size());
        JsonNode line = Json.parse(emf.get(0));
        assertEquals("EDP", line.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText());
        assertEquals("emit", line.path("Function").asText());
        assertEquals(3, line.path("BatchesEmitted").asInt());
        assertEquals(1, line.path("BatchesEmittedCount").asInt());
        assertEquals(1, line.path("BatchesEmittedQuiet").asInt());
        assertEquals(1, line.path("BatchesEmittedSentinel").asInt());
        assertEquals(0, line.path("PublishFailures").asInt());
        assertEquals(1, line.path("PackageReadyPublished").asInt());
        assertEquals(1, line.path("OpenBatches").asInt());
        assertEquals(100, line.path("OldestOpenBatchSeconds").asInt());
        // nothing was left closed: both closed-batch gauges are there, and 0
        assertTrue(line.path("ClosedBatches").isNumber() && line.path("OldestClosedBatchSeconds").isNumber(), line.toString());
        assertEquals(0, line.path("ClosedBatches").asInt());
        assertEquals(0, line.path("OldestClosedBatchSeconds").asInt());
        assertEquals(0, summary.path("closed_batches").asInt());
        assertEquals(300, line.path("EmitLagSeconds").asInt(), "the quiet batch was due at 10:05, emitted at 10:10");
        assertEquals(4, f.bus.entries().size());
    }

    @Test
    void shouldMeasureTheClosedBatchesNotYetAnnouncedOnEveryTick() throws IOException {
        // Given two count-ready batches, of which the bus refuses one, and an open batch not yet due
        OpenBatches.insert(f.db, BUCKET, "lab/refused/", 5, T0, T0);
        OpenBatches.insert(f.db, BUCKET, "lab/accepted/", 5, T0, T0);
        OpenBatches.insert(f.db, BUCKET, "lab/open/", 1, T0, T0.plusSeconds(590));
        f.bus.failEntries(e -> e.detail().path("prefix").asText().equals("lab/refused/"), "ThrottlingException");
        List<String> emf = new ArrayList<>();
        EmitTick tick = EmitWiring.assemble(f.database(), f.publisher(), Optional.empty(), EmitSettings.from(new Env(environment())),
                f.clock, new Metrics("emit", f.clock, emf::add), Duration.ofSeconds(10));
        f.clock.set(T0.plusSeconds(600));

        // When a tick closes both and announces one
        JsonNode first = invoke(tick);

        // Then the refused one is counted closed, just now; the emitted and the open one are not
        assertEquals(1, first.path("emitted").asInt(), first.toString());
        JsonNode line = Json.parse(emf.get(0));
        assertEquals(1, line.path("ClosedBatches").asInt(), line.toString());
        assertEquals(0, line.path("OldestClosedBatchSeconds").asInt());
        assertEquals(1, line.path("OpenBatches").asInt());

        // When the next tick, 200 s later, retries it and the bus refuses it again
        f.clock.advance(Duration.ofSeconds(200));
        JsonNode second = invoke(tick);

        // Then its age counts from when it was closed, not from the retry
        line = Json.parse(emf.get(1));
        assertEquals(1, line.path("ClosedBatches").asInt(), line.toString());
        assertEquals(200, line.path("OldestClosedBatchSeconds").asInt());
        assertEquals(1, second.path("closed_batches").asInt(), second.toString());
        assertEquals(200, second.path("oldest_closed_seconds").asInt());
        assertEquals(1, f.count("SELECT count(*) FROM batch WHERE state = 'emitted'"), "still only the accepted one emitted");

        // When the bus accepts it at the following tick
        f.bus.heal();
        f.clock.advance(Duration.ofSeconds(10));
        JsonNode third = invoke(tick);

        // Then none is left closed, and the age falls back to 0
        line = Json.parse(emf.get(2));
        assertEquals(0, line.path("ClosedBatches").asInt(), line.toString());
        assertEquals(0, line.path("OldestClosedBatchSeconds").asInt());
        assertEquals(1, third.path("emitted").asInt(), third.toString());
        assertEquals(0, third.path("closed_batches").asInt());
    }

    private static JsonNode invoke(EmitTick tick) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new EmitHandler(tick).handleRequest(new ByteArrayInputStream("{}".getBytes()), out, TestContext.withRemainingMillis(60_000));
        return Json.parse(out.toString());
    }

    @Test
    void shouldDoNothingWhenTheInvocationHasNoTimeLeft() throws IOException {
        OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 5, T0, T0);
        EmitTick tick = EmitWiring.assemble(f.database(), f.publisher(), Optional.empty(),
                EmitSettings.from(new Env(environment())), f.clock, new Metrics("emit", f.clock, line -> { }), Duration.ofSeconds(10));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        new EmitHandler(tick).handleRequest(new ByteArrayInputStream("{}".getBytes()), out, TestContext.withRemainingMillis(9_000));

        JsonNode summary = Json.parse(out.toString());
        assertEquals(0, summary.path("emitted").asInt());
        assertTrue(summary.path("stopped_early").asBoolean());
        assertEquals(0, f.bus.calls());
    }

    @Test
    void shouldWireEverythingFromTheEnvironmentAlone() throws IOException {
        OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 5, T0, T0);
        EmitTick tick = EmitWiring.fromSettings(EmitSettings.from(new Env(environment())), f.clock);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        new EmitHandler(tick).handleRequest(new ByteArrayInputStream("{}".getBytes()), out, TestContext.withRemainingMillis(60_000));

        assertEquals(1, Json.parse(out.toString()).path("emitted").asInt());
        assertEquals(1, f.bus.entries().size());
    }
}

package com.quiltdata.edp.emit;

import static com.quiltdata.edp.emit.testing.EmitFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.emit.domain.ReadinessRules;
import com.quiltdata.edp.emit.testing.EmitFixture;
import com.quiltdata.edp.emit.testing.OpenBatches;
import com.quiltdata.edp.emit.testing.TestContext;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.observe.Metrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TickLoopTest {
    private static final String BUCKET = "amzn-s3-demo-bucket";
    private static final ReadinessRules QUIET_60 = new ReadinessRules(1000, Duration.ofSeconds(60), Duration.ZERO, List.of());
    private final EmitFixture f = new EmitFixture();
    /** The clock's reading after each pause: where the loop's ticks started. */
    private final List<Instant> sleptUntil = new ArrayList<>();

    @AfterEach
    void close() {
        f.close();
    }

    private EmitTick tick() {
        return EmitWiring.assemble(f.database(), f.publisher(), Optional.empty(), settings(), f.clock,
                new Metrics("emit", f.clock, line -> { }), EmitWiring.DEADLINE_RESERVE);
    }

    private EmitSettings settings() {
        EmitSettings base = EmitSettings.from(new Env(Map.of(
                "DB_URL", f.db.jdbcUrl(), "DB_USER", f.db.user(), "DB_PASSWORD", f.db.password(), "EVENT_BUS_NAME", EmitFixture.BUS)));
        return new EmitSettings(base.database(), QUIET_60, Optional.empty(), base.eventBusName(), Optional.empty(),
                base.region(), base.endpoint());
    }

    /** Sleeping moves the test's clock; the Lambda's remaining time follows that clock. */
    private TickLoop loop(Duration period) {
        return loop(tick(), period);
    }

    private TickLoop loop(EmitTick tick, Duration period) {
        return new TickLoop(tick, period, f.clock, d -> {
            f.clock.advance(d);
            sleptUntil.add(f.clock.instant());
        });
    }

    private TestContext contextWithTimeout(Duration timeout) {
        Instant deadline = f.clock.instant().plus(timeout);
        return new TestContext(() -> (int) Duration.between(f.clock.instant(), deadline).toMillis());
    }

    private JsonNode invoke(TickLoop loop, Duration timeout) throws IOException {
        return invoke(loop, timeout, "{}");
    }

    private JsonNode invoke(TickLoop loop, Duration timeout, String payload) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new EmitHandler(loop).handleRequest(new ByteArrayInputStream(payload.getBytes()), out, contextWithTimeout(timeout));
        return Json.parse(out.toString());
    }

    /** What the store sends (edp-store-lambda's LambdaImmediateAnnouncer.REQUEST). */
    static final String STORE_REQUEST = "{\"source\":\"com.quiltdata.edp.store\",\"detail-type\":\"edp-batches-ready\",\"detail\":{}}";

    @Test
    void shouldRunOneTickNowWhenTheStoreAsksForIt() throws IOException {
        // Given a batch that reached its count just now
        OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 1000, T0, T0);
        f.clock.set(T0.plusMillis(300));

        // When the store's asynchronous request arrives at a function whose schedule ticks every 10 s
        JsonNode summary = invoke(loop(Duration.ofSeconds(10)), Duration.ofSeconds(70), STORE_REQUEST);

        // Then one tick ran at once, without waiting for a boundary, and announced the batch
        assertEquals(1, summary.path("ticks").asInt(), summary.toString());
        assertTrue(sleptUntil.isEmpty());
        assertEquals(1, summary.path("emitted_count").asInt(), summary.toString());
        assertEquals(1, f.bus.entries("package-objects-ready").size());
    }

    @Test
    void shouldTakeAnyOtherPayloadForTheSchedule() {
        assertTrue(EmitHandler.isImmediateTickRequest(STORE_REQUEST.getBytes()));
        for (String other : List.of("{}", "", "not json", "{\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\"}", "[1]")) {
            assertEquals(false, EmitHandler.isImmediateTickRequest(other.getBytes()), other);
        }
    }

    @Test
    void shouldAnnounceAQuietBatchDueBetweenTicksAtTheNextTickOfTheSameInvocation() throws IOException {
        // Given a batch whose quiet period ends 23 s into the invocation
        OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 1, T0, T0.minusSeconds(37));
        f.clock.set(T0);

        // When the scheduled invocation (70 s timeout) ticks every 10 s
        JsonNode summary = invoke(loop(Duration.ofSeconds(10)), Duration.ofSeconds(70));

        // Then six ticks ran, on the boundaries of the minute
        assertEquals(6, summary.path("ticks").asInt(), summary.toString());
        assertEquals(List.of(T0.plusSeconds(10), T0.plusSeconds(20), T0.plusSeconds(30), T0.plusSeconds(40), T0.plusSeconds(50)),
                sleptUntil);
        // and the batch went out at the first tick after its deadline (30 s), 7 s late rather than a minute
        assertEquals(1, summary.path("emitted").asInt());
        assertEquals(1, f.bus.entries("package-objects-ready").size());
        assertEquals(1, f.count("SELECT count(*) FROM batch WHERE state = 'emitted' AND emitted_at = ?",
                Timestamp.from(T0.plusSeconds(30))));
    }

    @Test
    void shouldAnswerTheLastTicksGaugesNotTheirSum() throws IOException {
        // Given a due batch whose entry the bus refuses at every tick, and one open batch not due
        OpenBatches.insert(f.db, BUCKET, "lab/refused/", 1, T0, T0.minusSeconds(120));
        OpenBatches.insert(f.db, BUCKET, "lab/open/", 1, T0, T0);
        f.bus.failEntries(e -> e.detail().path("prefix").asText().equals("lab/refused/"), "ThrottlingException");
        f.clock.set(T0);

        // When the scheduled invocation ticks every 10 s for its minute
        JsonNode summary = invoke(loop(Duration.ofSeconds(10)), Duration.ofSeconds(70));

        // Then the closed and open gauges are those of the last tick (50 s after the batch was closed)
        assertEquals(6, summary.path("ticks").asInt(), summary.toString());
        assertEquals(1, summary.path("closed_batches").asInt(), summary.toString());
        assertEquals(50, summary.path("oldest_closed_seconds").asInt());
        assertEquals(1, summary.path("open_batches").asInt());
        assertEquals(50, summary.path("oldest_open_seconds").asInt());
        // while the counts add up over the ticks: the first try and five retries failed
        assertEquals(6, summary.path("publish_failures").asInt());
    }

    @Test
    void shouldStopBeforeTheInvocationsDeadline() throws IOException {
        f.clock.set(T0);

        // When the function's timeout (30 s) is shorter than the minute
        JsonNode summary = invoke(loop(Duration.ofSeconds(10)), Duration.ofSeconds(30));

        // Then it starts no tick with less than a tick's minimum time left: ticks at 0 and 10 s only
        assertEquals(2, summary.path("ticks").asInt(), summary.toString());
        assertEquals(List.of(T0.plusSeconds(10)), sleptUntil);
        Duration left = Duration.ofSeconds(30).minus(Duration.between(T0, f.clock.instant()));
        assertTrue(left.compareTo(TickLoop.MINIMUM_TICK_TIME) >= 0, "stopped with " + left + " left");
    }

    @Test
    void shouldSkipTheBoundariesASlowTickOverran() throws IOException {
        f.clock.set(T0);
        // Given ticks that take 25 s each (their metrics line is written as they end)
        EmitTick slow = EmitWiring.assemble(f.database(), f.publisher(), Optional.empty(), settings(), f.clock,
                new Metrics("emit", f.clock, line -> f.clock.advance(Duration.ofSeconds(25))), EmitWiring.DEADLINE_RESERVE);
        JsonNode summary = invoke(loop(slow, Duration.ofSeconds(10)), Duration.ofSeconds(70));

        // Then ticks start at 0, 30 and (after 55) none: 60 s is the next invocation's
        assertEquals(2, summary.path("ticks").asInt(), summary.toString());
        assertEquals(List.of(T0.plusSeconds(30)), sleptUntil);
    }

    @Test
    void shouldRunOneTickWhenThePeriodIsTheWholeMinute() throws IOException {
        f.clock.set(T0);
        JsonNode summary = invoke(loop(Duration.ofSeconds(60)), Duration.ofSeconds(70));
        assertEquals(1, summary.path("ticks").asInt());
        assertTrue(sleptUntil.isEmpty());
    }
}

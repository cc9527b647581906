package com.quiltdata.edp.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.quiltdata.edp.config.BucketSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.store.domain.ReadyOnCommit;
import com.quiltdata.edp.store.port.ImmediateAnnouncer;
import com.quiltdata.edp.testing.MutableClock;
import com.quiltdata.edp.testing.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The store asks for an immediate emit tick exactly when its commit made a batch ready (ADR 0207), over real PostgreSQL. */
class ImmediateTickTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final TestDatabase db = TestDatabase.create();
    private final List<String> emf = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private boolean announcerDown;
    private int sequencer;

    @AfterEach
    void close() {
        db.close();
    }

    /** Counts requests; when down, refuses them as an unreachable Lambda API would. */
    private final ImmediateAnnouncer announcer = () -> {
        if (announcerDown) {
            throw new ImmediateAnnouncer.AnnounceRequestFailedException("Lambda API unreachable", null);
        }
        requests.incrementAndGet();
    };

    private StoreHandler handler() {
        Env env = new Env(Map.of("BUCKET_NAMES", Events.BUCKET, "BUCKET_PREFIX_DEPTH", "2"));
        BucketSettings buckets = BucketSettings.from(env);
        env.validate();
        return new StoreHandler(StoreWiring.of(buckets, db.database(), clock, emf::add,
                Optional.of(new ObjectEventRecorder.ImmediateTick(new ReadyOnCommit(3, List.of("_SUCCESS")), announcer))));
    }

    private SQSBatchResponse put(StoreHandler handler, String... keys) {
        String[] bodies = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            bodies[i] = Events.created(keys[i], 10, String.format("%016x", ++sequencer), T0);
        }
        return handler.handleRequest(StoreHandlerTest.sqs(bodies), null);
    }

    private double metric(String name) {
        return emf.stream().mapToDouble(line -> com.quiltdata.edp.json.Json.parse(line).path(name).asDouble(0)).sum();
    }

    @Test
    void shouldRequestOneTickOnTheCommitThatReachesTheCountAndNoneBeforeOrAfter() {
        StoreHandler handler = handler();
        put(handler, "lab/run-1/a.csv", "lab/run-1/b.csv");
        assertEquals(0, requests.get(), "two of three: not ready");

        put(handler, "lab/run-1/c.csv", "lab/run-2/a.csv");
        assertEquals(1, requests.get(), "the third file made run-1 ready");

        put(handler, "lab/run-1/d.csv", "lab/run-2/b.csv");
        assertEquals(1, requests.get(), "run-1 was already over the count, run-2 is not there yet");

        put(handler, "lab/run-2/c.csv", "lab/run-3/a.csv", "lab/run-3/b.csv", "lab/run-3/c.csv");
        assertEquals(2, requests.get(), "two batches ready in one SQS batch: one request");
        assertEquals(2, metric("ImmediateTicksRequested"));
    }

    @Test
    void shouldRequestATickWhenASentinelArrivesBeforeTheCount() {
        StoreHandler handler = handler();
        put(handler, "lab/run-1/a.csv");
        put(handler, "lab/run-1/_SUCCESS");
        assertEquals(1, requests.get());
    }

    @Test
    void shouldNotRequestATickForARewriteThatLeavesTheCountWhereItWas() {
        StoreHandler handler = handler();
        put(handler, "lab/run-1/a.csv", "lab/run-1/b.csv");
        put(handler, "lab/run-1/a.csv", "lab/run-1/b.csv");
        assertEquals(0, requests.get(), "overwrites of known keys add no object");
        assertEquals(2, db.scalar("SELECT object_count FROM batch WHERE prefix = 'lab/run-1/'"));
    }

    @Test
    void shouldKeepTheEventsAndCountTheFailureWhenTheRequestFails() {
        announcerDown = true;
        SQSBatchResponse response = put(handler(), "lab/run-1/a.csv", "lab/run-1/b.csv", "lab/run-1/c.csv");
        assertTrue(response.getBatchItemFailures().isEmpty(), "the events are committed; SQS must not redeliver them");
        assertEquals(3, db.scalar("SELECT count(*) FROM object_event"));
        assertEquals(1, metric("ImmediateTickFailures"));
        assertEquals(0, metric("ImmediateTicksRequested"));
    }

    @Test
    void shouldNeverRequestWithoutAnEmitFunctionConfigured() {
        Map<String, String> vars = Map.of("BUCKET_NAMES", Events.BUCKET, "DB_URL", db.jdbcUrl(), "DB_USER", db.user(),
                "DB_PASSWORD", db.password());
        ImmediateAnnounceSettings settings = ImmediateAnnounceSettings.from(new Env(vars));
        assertTrue(settings.emitFunctionArn().isEmpty());
        assertEquals(20, settings.rule().countThreshold(), "the emit function's default count");
    }

    @Test
    void shouldRefuseAnEmitFunctionThatIsNotALambdaArn() {
        Env env = new Env(Map.of("EMIT_FUNCTION_ARN", "edp-emit", "BUCKET_READY_SENTINELS", "_SUCCESS,a/b"));
        ImmediateAnnounceSettings.from(env);
        assertEquals(2, env.problems().size(), env.problems().toString());
        assertTrue(env.problems().get(0).contains("EMIT_FUNCTION_ARN"), env.problems().toString());
    }
}

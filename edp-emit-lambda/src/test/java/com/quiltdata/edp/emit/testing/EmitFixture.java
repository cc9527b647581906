package com.quiltdata.edp.emit.testing;

import com.quiltdata.edp.emit.Deadline;
import com.quiltdata.edp.emit.EmitWiring;
import com.quiltdata.edp.emit.FlushBatch;
import com.quiltdata.edp.emit.ReadyBatchEmitter;
import com.quiltdata.edp.emit.domain.ReadinessRules;
import com.quiltdata.edp.emit.eventbridge.EventBridgeEventPublisher;
import com.quiltdata.edp.emit.port.EventPublisher;
import com.quiltdata.edp.emit.domain.ThresholdRules;
import com.quiltdata.edp.emit.port.ReadyFilter;
import com.quiltdata.edp.emit.port.ThresholdSource;
import com.quiltdata.edp.emit.postgres.JdbcBatchRepository;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.testing.MutableClock;
import com.quiltdata.edp.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Real PostgreSQL (a fresh migrated schema), the real EventBridge SDK client against
 * {@link FakeEventBridge}, and a clock the test moves.
 */
public final class EmitFixture implements AutoCloseable {
    public static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    public static final String BUS = "edp-test-bus";

    public final TestDatabase db = TestDatabase.create();
    public final FakeEventBridge bus = FakeEventBridge.start();
    public final MutableClock clock = new MutableClock(T0);
    public final EventBridgeClient client = EmitWiring.eventBridge("us-east-1", Optional.of(bus.endpoint()));
    private final List<Database> databases = new ArrayList<>();
    /** The emitters' PutEvents pool, as the wiring builds one: tests run the parallel publishing the Lambda runs. */
    private final ExecutorService publishPool = EmitWiring.publishPool();

    /** A new connection to the test schema (one per concurrent emitter, as one per Lambda). */
    public Database database() {
        Database d = db.database();
        databases.add(d);
        return d;
    }

    public EventPublisher publisher() {
        return new EventBridgeEventPublisher(client, BUS, clock);
    }

    public ReadyBatchEmitter emitter(ReadinessRules rules) {
        return emitter(rules, Optional.empty());
    }

    public ReadyBatchEmitter emitter(ReadinessRules rules, Optional<ReadyFilter> filter) {
        return emitter(rules, filter, publisher());
    }

    public ReadyBatchEmitter emitter(ReadinessRules rules, Optional<ReadyFilter> filter, EventPublisher publisher) {
        return new ReadyBatchEmitter(new JdbcBatchRepository(database()), publisher, ThresholdSource.fixed(ThresholdRules.defaultsOnly(rules)),
                filter, clock, Duration.ZERO, EmitWiring.ROUND_SIZE, publishPool, EmitWiring.PUBLISH_CALLS_AT_ONCE);
    }

    public FlushBatch flusher() {
        return new FlushBatch(new JdbcBatchRepository(database()), publisher(), clock);
    }

    public ReadyBatchEmitter.EmitSummary tick(ReadyBatchEmitter emitter) {
        return emitter.emitDue(Deadline.none());
    }

    /** The batch ids of every package-objects-ready entry the bus accepted, in order. */
    public List<String> publishedBatchIds() {
        return bus.entries("package-objects-ready").stream().map(e -> e.detail().path("batch_id").asText()).toList();
    }

    public long count(String sql, Object... params) {
        return db.scalar(sql, params);
    }

    @Override
    public void close() {
        try {
            EventSchemas.assertAllValid(bus.entries());
        } finally {
            publishPool.shutdownNow();
            databases.forEach(Database::close);
            client.close();
            bus.close();
            db.close();
        }
    }
}

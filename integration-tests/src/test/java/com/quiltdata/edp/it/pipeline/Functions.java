package com.quiltdata.edp.it.pipeline;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.quiltdata.edp.config.BucketSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.emit.EmitHandler;
import com.quiltdata.edp.emit.EmitHandlers;
import com.quiltdata.edp.emit.EmitSettings;
import com.quiltdata.edp.emit.EmitTick;
import com.quiltdata.edp.emit.EmitWiring;
import com.quiltdata.edp.emit.domain.BusEvent;
import com.quiltdata.edp.emit.eventbridge.EventBridgeEventPublisher;
import com.quiltdata.edp.emit.port.EventPublisher;
import com.quiltdata.edp.emit.port.PublishResult;
import com.quiltdata.edp.emit.testing.TestContext;
import com.quiltdata.edp.it.CloudFormationTemplate;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.packager.PackagePrefix;
import com.quiltdata.edp.packager.PackagerHandler;
import com.quiltdata.edp.packager.PackagerHandlers;
import com.quiltdata.edp.packager.PackagerSettings;
import com.quiltdata.edp.packager.PackagerWiring;
import com.quiltdata.edp.packager.postgres.JdbcRevisionStore;
import com.quiltdata.edp.packager.s3.S3ContentHasher;
import com.quiltdata.edp.packager.s3.S3ObjectCopier;
import com.quiltdata.edp.packager.s3.S3ObjectLister;
import com.quiltdata.edp.packager.s3.S3ObjectReader;
import com.quiltdata.edp.packager.s3.S3PackageRegistry;
import com.quiltdata.edp.packager.sns.SnsNotifier;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.store.ImmediateAnnounceSettings;
import com.quiltdata.edp.store.ObjectEventRecorder;
import com.quiltdata.edp.store.StoreHandler;
import com.quiltdata.edp.store.StoreWiring;
import com.quiltdata.edp.store.lambda.LambdaImmediateAnnouncer;
import com.quiltdata.edp.store.port.ImmediateAnnouncer;
import com.quiltdata.edp.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The three EDP functions built the way {@code template.yaml} configures them: each one's
 * environment comes from its {@code Environment.Variables} in the template (parameters filled in),
 * batch sizes from its SQS event source, and the database from the test's PostgreSQL. The handlers
 * are the real Lambda handler classes.
 */
public final class Functions implements AutoCloseable {
    public static final String ACCOUNT = "123456789012";

    public final CloudFormationTemplate template;
    public final Map<String, String> parameters;
    public final String topicArn;
    public final StoreHandler store;
    public final EmitHandler emit;
    public final PackagerHandler packager;
    public final int storeBatchSize;
    public final int packagerBatchSize;
    public final int emitTimeoutSeconds;
    private final EventBridgeClient eventBridge;
    private final String jdbcUrl;
    private final String dbUser;
    private final String dbPassword;
    private final Clock clock;
    private final Env storeEnvironment;
    private final EmitSettings emitSettings;
    private final EventPublisher emitPublisher;
    private final List<String> packagerMetricLines = new ArrayList<>();
    private final List<String> storeMetricLines = new ArrayList<>();
    private final List<String> emitMetricLines = new ArrayList<>();
    private final AtomicBoolean crashEmitAfterPublish = new AtomicBoolean();
    /** Until a test wires one, the store's requests go nowhere, as an invoke Lambda lost: only the ticks announce. */
    private volatile ImmediateAnnouncer onCommit = () -> { };

    public Functions(CloudFormationTemplate template, Map<String, String> parameters, TestDatabase db, Clock clock,
            S3Client s3, SnsClient sns, URI eventBridgeEndpoint, String topicArn) {
        this(template, parameters, db.jdbcUrl(), db.user(), db.password(), clock, s3, sns, eventBridgeEndpoint, topicArn);
    }

    /** The same over any migrated PostgreSQL (a container's, say) given by its JDBC URL and credentials. */
    public Functions(CloudFormationTemplate template, Map<String, String> parameters, String jdbcUrl, String dbUser, String dbPassword,
            Clock clock, S3Client s3, SnsClient sns, URI eventBridgeEndpoint, String topicArn) {
        Database database = new Database(jdbcUrl, dbUser, () -> dbPassword);
        this.jdbcUrl = jdbcUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
        this.clock = clock;
        this.template = template;
        this.parameters = EventRouter.parameterValues(template, parameters);
        this.topicArn = topicArn;
        Map<String, String> resources = Map.of("Topic", topicArn, "Bus.Name", this.parameters.get("EventBusName"),
                "EmitFunction.Alias", FunctionEnvironment.EMIT_ALIAS_ARN, "PackagerQueue", FunctionEnvironment.PACKAGER_QUEUE_URL);
        Map<String, String> dbVars = Map.of("DB_URL", jdbcUrl, "DB_USER", dbUser, "DB_PASSWORD", dbPassword);

        Env storeEnv = new Env(merge(FunctionEnvironment.of(template, "StoreFunction", parameters, resources), dbVars));
        BucketSettings buckets = BucketSettings.from(storeEnv);
        ImmediateAnnounceSettings announce = ImmediateAnnounceSettings.from(storeEnv);
        storeEnv.validate();
        this.storeEnvironment = storeEnv;
        // the store's request for an immediate tick reaches whatever the test wires (announceOnCommit)
        ImmediateAnnouncer viaTest = () -> onCommit.requestTick();
        this.store = new StoreHandler(StoreWiring.of(buckets, database, clock,
                line -> record(storeMetricLines, line),
                Optional.of(new ObjectEventRecorder.ImmediateTick(announce.rule(), viaTest))));

        EmitSettings emitSettings = EmitSettings.from(new Env(merge(FunctionEnvironment.of(template, "EmitFunction", parameters, resources), dbVars)));
        this.eventBridge = EmitWiring.eventBridge("us-east-1", Optional.of(eventBridgeEndpoint));
        EventPublisher bus = new EventBridgeEventPublisher(eventBridge, emitSettings.eventBusName(), clock);
        EventPublisher crashable = new EventPublisher() {
            @Override
            public <E extends BusEvent> PublishResult<E> publish(List<E> events) {
                PublishResult<E> result = bus.publish(events);
                if (crashEmitAfterPublish.getAndSet(false)) {
                    throw new EmitCrashed();
                }
                return result;
            }
        };
        this.emitSettings = emitSettings;
        this.emitPublisher = crashable;
        EmitTick tick = EmitWiring.assemble(database, crashable,
                Optional.empty(), emitSettings, clock, new Metrics("emit", clock, line -> record(emitMetricLines, line)),
                EmitWiring.DEADLINE_RESERVE);
        this.emit = EmitHandlers.of(tick);

        PackagerSettings packagerSettings = PackagerSettings.from(new Env(merge(
                FunctionEnvironment.of(template, "PackagerFunction", parameters, resources), dbVars)));
        S3ObjectReader reader = new S3ObjectReader(s3);
        S3ContentHasher hasher = new S3ContentHasher(s3, S3ContentHasher.Options.defaults());
        SnsNotifier notifier = new SnsNotifier(sns, packagerSettings.topicArn());
        PackagePrefix useCase = new PackagePrefix(new S3ObjectLister(s3), hasher, new S3ObjectCopier(s3, hasher), reader,
                new S3PackageRegistry(s3, reader), new JdbcRevisionStore(database), notifier,
                PackagerWiring.workers(4), clock, packagerSettings.packageReadyDelay(), Path.of(System.getProperty("java.io.tmpdir")));
        this.packager = PackagerHandlers.of(new PackagerWiring(useCase, notifier, clock), line -> record(packagerMetricLines, line));

        this.storeBatchSize = sqsEvent("StoreFunction").path("BatchSize").asInt();
        this.packagerBatchSize = sqsEvent("PackagerFunction").path("BatchSize").asInt();
        this.emitTimeoutSeconds = template.resource("EmitFunction").path("Properties").path("Timeout").asInt();
    }

    private com.fasterxml.jackson.databind.JsonNode sqsEvent(String functionId) {
        var events = template.resource(functionId).path("Properties").path("Events");
        var it = events.elements();
        while (it.hasNext()) {
            var e = it.next();
            if ("SQS".equals(e.path("Type").asText())) {
                return e.path("Properties");
            }
        }
        throw new IllegalStateException(functionId + " has no SQS event source in the template");
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> m = new LinkedHashMap<>(a);
        m.putAll(b);
        return m;
    }

    private static void record(List<String> lines, String line) {
        synchronized (lines) {
            lines.add(line);
        }
    }

    public SQSBatchResponse store(SQSEvent event) {
        return store.handleRequest(event, TestContext.withRemainingMillis(60_000));
    }

    public SQSBatchResponse packager(SQSEvent event) {
        return packager.handleRequest(event, TestContext.withRemainingMillis(900_000));
    }

    /**
     * The emit function dies right after its next PutEvents call returned, before it records
     * anything more: the tick throws {@link EmitCrashed} and its open transaction, if any, rolls back.
     */
    public void crashEmitAfterNextPublish() {
        crashEmitAfterPublish.set(true);
    }

    /** What {@link #crashEmitAfterNextPublish()} throws in place of the process dying. */
    public static final class EmitCrashed extends RuntimeException {
        EmitCrashed() {
            super("emit function crashed after PutEvents");
        }
    }

    /**
     * Another store execution environment, as Lambda runs up to StoreMaxConcurrency of them: the
     * real handler with the template's settings and a database connection of its own; its requests
     * for an immediate tick go to {@code announcer}.
     */
    public StoreHandler newStoreEnvironment(ImmediateAnnouncer announcer) {
        BucketSettings buckets = BucketSettings.from(storeEnvironment);
        ImmediateAnnounceSettings announce = ImmediateAnnounceSettings.from(storeEnvironment);
        return new StoreHandler(StoreWiring.of(buckets, new Database(jdbcUrl, dbUser, () -> dbPassword), clock,
                line -> record(storeMetricLines, line),
                Optional.of(new ObjectEventRecorder.ImmediateTick(announce.rule(), announcer))));
    }

    /** Another emit execution environment: the real handler (one tick per invocation) on a connection of its own. */
    public EmitHandler newEmitEnvironment() {
        EmitTick tick = EmitWiring.assemble(new Database(jdbcUrl, dbUser, () -> dbPassword), emitPublisher, Optional.empty(),
                emitSettings, clock, new Metrics("emit", clock, line -> record(emitMetricLines, line)), EmitWiring.DEADLINE_RESERVE);
        return EmitHandlers.of(tick);
    }

    /** Invokes an emit environment as the schedule does, or with the store's request; returns its JSON summary. */
    public String invoke(EmitHandler handler, boolean storeRequest) {
        return invokeEmit(handler, storeRequest ? LambdaImmediateAnnouncer.REQUEST : scheduledEvent());
    }

    private static String scheduledEvent() {
        return "{\"version\":\"0\",\"id\":\"" + java.util.UUID.randomUUID() + "\",\"detail-type\":\"Scheduled Event\","
                + "\"source\":\"aws.events\",\"account\":\"" + ACCOUNT + "\",\"time\":\"2026-01-01T00:00:00Z\",\"region\":\"us-east-1\","
                + "\"resources\":[],\"detail\":{}}";
    }

    /** One scheduled tick through the real handler; returns its JSON summary. */
    public String emitTick() {
        return invokeEmit(emit, scheduledEvent());
    }

    /**
     * What the emit function does when the store's asynchronous invoke arrives: the real handler with
     * the exact payload {@link LambdaImmediateAnnouncer} sends. Returns its JSON summary.
     */
    public String emitImmediately() {
        return invokeEmit(emit, LambdaImmediateAnnouncer.REQUEST);
    }

    private String invokeEmit(EmitHandler handler, String payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out,
                    TestContext.withRemainingMillis(emitTimeoutSeconds * 1000));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Where the store's requests for an immediate tick go: {@code functions::emitImmediately} for the
     * deployed behaviour (synchronously here, where Lambda would queue it), or a fault.
     */
    public void announceOnCommit(ImmediateAnnouncer announcer) {
        this.onCommit = announcer;
    }

    /** Sum of one metric over every EMF line a function wrote ("store", "emit", "packager"). */
    public double metric(String function, String name) {
        List<String> lines = switch (function) {
            case "store" -> storeMetricLines;
            case "emit" -> emitMetricLines;
            case "packager" -> packagerMetricLines;
            default -> throw new IllegalArgumentException(function);
        };
        double sum = 0;
        synchronized (lines) {
            for (String line : lines) {
                var node = EventRouter.json(line).get(name);
                if (node != null) {
                    sum += node.asDouble();
                }
            }
        }
        return sum;
    }

    @Override
    public void close() {
        eventBridge.close();
    }
}

package com.quiltdata.edp.emit;

import com.quiltdata.edp.aws.AwsClients;
import com.quiltdata.edp.aws.Databases;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.emit.eventbridge.EventBridgeEventPublisher;
import com.quiltdata.edp.emit.domain.ThresholdRules;
import com.quiltdata.edp.emit.port.CacheRefresher;
import com.quiltdata.edp.emit.port.EventPublisher;
import com.quiltdata.edp.emit.port.ReadyFilter;
import com.quiltdata.edp.emit.port.RulesFileReader;
import com.quiltdata.edp.emit.port.ThresholdSource;
import com.quiltdata.edp.emit.postgres.JdbcBatchRepository;
import com.quiltdata.edp.emit.postgres.JdbcPackageRevisionRepository;
import com.quiltdata.edp.emit.s3.S3RulesFileReader;
import com.quiltdata.edp.emit.storagegateway.StorageGatewayCacheRefresher;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.postgres.Database;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.storagegateway.StorageGatewayClient;

/**
 * The only place that reads the environment, builds clients and picks the clock. Everything is
 * built once per execution environment; the database connection opens lazily.
 */
public final class EmitWiring {
    /** Batches claimed and locked per transaction: ten PutEvents calls' worth. */
    public static final int ROUND_SIZE = 100;
    /** An SDK call gives up after this; the deadline reserve covers one call and a commit. */
    public static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(8);
    public static final Duration DEADLINE_RESERVE = Duration.ofSeconds(10);
    /**
     * PutEvents calls in flight at once: a round of 100 goes out in two waves of five calls. Five is
     * the keep-alive connections the URL-connection client keeps per host, so no call opens a new TLS
     * connection; more would mostly add handshakes and CPU on a fraction of a vCPU (ADR 0208).
     */
    public static final int PUBLISH_CALLS_AT_ONCE = 5;

    private EmitWiring() {}

    public static TickLoop loopFromEnvironment() {
        EmitSettings settings = EmitSettings.from(new Env(System.getenv()));
        Clock clock = Clock.systemUTC();
        return new TickLoop(fromSettings(settings, clock), settings.tickPeriod(), clock, TickLoop.sleeping());
    }

    public static EmitTick fromSettings(EmitSettings settings, Clock clock) {
        Database database = Databases.connect(settings.database(), settings.region());
        EventPublisher publisher = new EventBridgeEventPublisher(
                eventBridge(settings.region(), settings.endpoint()), settings.eventBusName(), clock);
        Optional<CacheRefresher> refresher = settings.fileGatewayShareArn()
                .map(arn -> new StorageGatewayCacheRefresher(storageGateway(settings.region(), settings.endpoint()), arn));
        Metrics metrics = Metrics.toStdout("emit", clock);
        ThresholdSource thresholds = settings.rulesFile()
                .map(file -> thresholds(new S3RulesFileReader(s3(settings.region(), settings.endpoint()), file.bucket(), file.key()),
                        settings, metrics, clock))
                .orElse(ThresholdSource.fixed(ThresholdRules.defaultsOnly(settings.rules())));
        return assemble(database, publisher, refresher, settings, thresholds, clock, metrics, DEADLINE_RESERVE);
    }

    /** The rules file over the stack's thresholds, re-read at most every {@link RulesFileThresholds#RECHECK}. */
    public static ThresholdSource thresholds(RulesFileReader reader, EmitSettings settings, Metrics metrics, Clock clock) {
        return new RulesFileThresholds(reader, settings.rules(), metrics, clock, RulesFileThresholds.RECHECK);
    }

    /** Puts the parts together; tests use it with their own publisher, refresher and metrics sink. */
    public static EmitTick assemble(Database database, EventPublisher publisher, Optional<CacheRefresher> refresher,
            EmitSettings settings, Clock clock, Metrics metrics, Duration reserve) {
        return assemble(database, publisher, refresher, settings, ThresholdSource.fixed(ThresholdRules.defaultsOnly(settings.rules())),
                clock, metrics, reserve);
    }

    /** As above, with the thresholds taken from {@code thresholds} at every tick. */
    public static EmitTick assemble(Database database, EventPublisher publisher, Optional<CacheRefresher> refresher,
            EmitSettings settings, ThresholdSource thresholds, Clock clock, Metrics metrics, Duration reserve) {
        JdbcBatchRepository batches = new JdbcBatchRepository(database);
        ReadyBatchEmitter emitter = new ReadyBatchEmitter(batches, publisher, thresholds,
                settings.readyFilter().map(f -> (ReadyFilter) f), clock, reserve, ROUND_SIZE, publishPool(), PUBLISH_CALLS_AT_ONCE);
        PackageReadyAnnouncer announcer = new PackageReadyAnnouncer(new JdbcPackageRevisionRepository(database), publisher,
                refresher, clock, reserve, ROUND_SIZE);
        return new EmitTick(emitter, announcer, batches, metrics, clock);
    }

    /** One pool per execution environment: its threads only wait for PutEvents, and never keep the JVM alive. */
    public static ExecutorService publishPool() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(PUBLISH_CALLS_AT_ONCE, r -> {
            Thread t = new Thread(r, "emit-publish-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public static EventBridgeClient eventBridge(String region, Optional<URI> endpoint) {
        return AwsClients.configure(EventBridgeClient.builder().httpClient(AwsClients.httpClient()), region, endpoint)
                .overrideConfiguration(o -> o.apiCallTimeout(API_CALL_TIMEOUT))
                .build();
    }

    public static S3Client s3(String region, Optional<URI> endpoint) {
        return AwsClients.configure(S3Client.builder().httpClient(AwsClients.httpClient()), region, endpoint)
                .forcePathStyle(endpoint.isPresent())
                .overrideConfiguration(o -> o.apiCallTimeout(API_CALL_TIMEOUT))
                .build();
    }

    public static StorageGatewayClient storageGateway(String region, Optional<URI> endpoint) {
        return AwsClients.configure(StorageGatewayClient.builder().httpClient(AwsClients.httpClient()), region, endpoint)
                .overrideConfiguration(o -> o.apiCallTimeout(API_CALL_TIMEOUT))
                .build();
    }
}

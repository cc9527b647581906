package com.quiltdata.edp.emit;

import com.quiltdata.edp.aws.AwsClients;
import com.quiltdata.edp.aws.Databases;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.emit.eventbridge.EventBridgeEventPublisher;
import com.quiltdata.edp.emit.port.CacheRefresher;
import com.quiltdata.edp.emit.port.EventPublisher;
import com.quiltdata.edp.emit.port.ReadyFilter;
import com.quiltdata.edp.emit.postgres.JdbcBatchRepository;
import com.quiltdata.edp.emit.postgres.JdbcPackageRevisionRepository;
import com.quiltdata.edp.emit.storagegateway.StorageGatewayCacheRefresher;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.postgres.Database;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
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
        return assemble(database, publisher, refresher, settings, clock, Metrics.toStdout("emit", clock), DEADLINE_RESERVE);
    }

    /** Puts the parts together; tests use it with their own publisher, refresher and metrics sink. */
    public static EmitTick assemble(Database database, EventPublisher publisher, Optional<CacheRefresher> refresher,
            EmitSettings settings, Clock clock, Metrics metrics, Duration reserve) {
        JdbcBatchRepository batches = new JdbcBatchRepository(database);
        ReadyBatchEmitter emitter = new ReadyBatchEmitter(batches, publisher, settings.rules(),
                settings.readyFilter().map(f -> (ReadyFilter) f), clock, reserve, ROUND_SIZE);
        PackageReadyAnnouncer announcer = new PackageReadyAnnouncer(new JdbcPackageRevisionRepository(database), publisher,
                refresher, clock, reserve, ROUND_SIZE);
        return new EmitTick(emitter, announcer, batches, metrics, clock);
    }

    public static EventBridgeClient eventBridge(String region, Optional<URI> endpoint) {
        return AwsClients.configure(EventBridgeClient.builder().httpClient(AwsClients.httpClient()), region, endpoint)
                .overrideConfiguration(o -> o.apiCallTimeout(API_CALL_TIMEOUT))
                .build();
    }

    public static StorageGatewayClient storageGateway(String region, Optional<URI> endpoint) {
        return AwsClients.configure(StorageGatewayClient.builder().httpClient(AwsClients.httpClient()), region, endpoint)
                .overrideConfiguration(o -> o.apiCallTimeout(API_CALL_TIMEOUT))
                .build();
    }
}

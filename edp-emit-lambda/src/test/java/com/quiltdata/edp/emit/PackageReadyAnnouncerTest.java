package com.quiltdata.edp.emit;

import static com.quiltdata.edp.emit.testing.EmitFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.emit.PackageReadyAnnouncer.AnnounceSummary;
import com.quiltdata.edp.emit.port.CacheRefresher;
import com.quiltdata.edp.emit.postgres.JdbcPackageRevisionRepository;
import com.quiltdata.edp.emit.storagegateway.StorageGatewayCacheRefresher;
import com.quiltdata.edp.emit.testing.EmitFixture;
import com.quiltdata.edp.emit.testing.FakeStorageGateway;
import com.quiltdata.edp.emit.testing.PackageRevisions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.storagegateway.StorageGatewayClient;

class PackageReadyAnnouncerTest {
    private static final String SHARE = "arn:aws:storagegateway:us-east-1:111122223333:share/share-ABCD1234";

    private final EmitFixture f = new EmitFixture();
    private final FakeStorageGateway gateway = FakeStorageGateway.start();
    private final StorageGatewayClient gatewayClient = EmitWiring.storageGateway("us-east-1", Optional.of(gateway.endpoint()));

    @AfterEach
    void close() {
        gatewayClient.close();
        gateway.close();
        f.close();
    }

    private PackageReadyAnnouncer announcer(Optional<CacheRefresher> refresher) {
        return new PackageReadyAnnouncer(new JdbcPackageRevisionRepository(f.database()), f.publisher(), refresher, f.clock,
                Duration.ZERO, EmitWiring.ROUND_SIZE);
    }

    private Optional<CacheRefresher> refresher() {
        return Optional.of(new StorageGatewayCacheRefresher(gatewayClient, SHARE));
    }

    @Test
    void shouldPublishPackageReadyOnceTheDelayHasPassed() {
        // Given a revision written at 10:00 with a 120 s delay
        PackageRevisions.insert(f.db, "amzn-s3-demo-bucket", "lab/run-7", PackageRevisions.hash(7), T0, T0.plusSeconds(120));
        PackageReadyAnnouncer announcer = announcer(Optional.empty());

        // When a tick runs at 10:01, then nothing; at 10:02, package-ready goes out once
        f.clock.set(T0.plusSeconds(60));
        assertEquals(0, announcer.announce(Deadline.none()).published());
        f.clock.set(T0.plusSeconds(120));
        assertEquals(1, announcer.announce(Deadline.none()).published());
        f.clock.advance(Duration.ofMinutes(1));
        assertEquals(0, announcer.announce(Deadline.none()).published());

        JsonNode detail = f.bus.entries("package-ready").get(0).detail();
        assertEquals("lab/run-7", detail.path("package-name").asText());
        assertEquals("amzn-s3-demo-bucket", detail.path("bucket").asText());
        assertEquals(PackageRevisions.hash(7), detail.path("top_hash").asText());
        assertEquals(0, f.count("SELECT count(*) FROM package_revision WHERE published_at IS NULL"));
    }

    @Test
    void shouldRefreshTheFileGatewayCacheOncePerTickBeforeAnnouncing() {
        for (int i = 0; i < 3; i++) {
            PackageRevisions.insert(f.db, "amzn-s3-demo-bucket", "lab/run-" + i, PackageRevisions.hash(i), T0, T0);
        }
        AnnounceSummary summary = announcer(refresher()).announce(Deadline.none());

        assertEquals(3, summary.published());
        assertEquals(1, gateway.requests().size());
        JsonNode request = gateway.requests().get(0);
        assertEquals(SHARE, request.path("FileShareARN").asText());
        assertEquals("/", request.path("FolderList").get(0).asText());
        assertTrue(request.path("Recursive").asBoolean());
    }

    @Test
    void shouldNotRefreshWhenNothingIsReady() {
        announcer(refresher()).announce(Deadline.none());
        assertEquals(0, gateway.requests().size());
    }

    @Test
    void shouldLeaveRevisionsForTheNextTickWhileTwoRefreshesAreInFlight() {
        PackageReadyAnnouncer announcer = announcer(refresher());
        // two earlier ticks each started a refresh that has not completed
        PackageRevisions.insert(f.db, "amzn-s3-demo-bucket", "lab/run-1", PackageRevisions.hash(1), T0, T0);
        announcer.announce(Deadline.none());
        PackageRevisions.insert(f.db, "amzn-s3-demo-bucket", "lab/run-2", PackageRevisions.hash(2), T0, T0);
        announcer.announce(Deadline.none());

        // When a third revision is ready, then the gateway refuses and the revision waits
        PackageRevisions.insert(f.db, "amzn-s3-demo-bucket", "lab/run-3", PackageRevisions.hash(3), T0, T0);
        AnnounceSummary busy = announcer.announce(Deadline.none());
        assertEquals(0, busy.published());
        assertEquals(1, busy.deferred());
        assertEquals(1, f.count("SELECT count(*) FROM package_revision WHERE published_at IS NULL"));

        // When the refreshes complete, then the next tick announces it
        gateway.completeAll();
        f.clock.advance(Duration.ofMinutes(1));
        assertEquals(1, announcer.announce(Deadline.none()).published());
        assertEquals(3, f.bus.entries("package-ready").size());
    }

    @Test
    void shouldKeepRevisionsWhenTheRefreshFails() {
        PackageRevisions.insert(f.db, "amzn-s3-demo-bucket", "lab/run-1", PackageRevisions.hash(1), T0, T0);
        gateway.breakAccess(true);
        assertEquals(1, announcer(refresher()).announce(Deadline.none()).deferred());
        assertEquals(0, f.bus.entries().size());
        gateway.breakAccess(false);
        assertEquals(1, announcer(refresher()).announce(Deadline.none()).published());
    }

    @Test
    void shouldRetryAFailedPackageReadyOnTheNextTick() {
        PackageRevisions.insert(f.db, "amzn-s3-demo-bucket", "lab/run-1", PackageRevisions.hash(1), T0, T0);
        PackageRevisions.insert(f.db, "amzn-s3-demo-bucket", "lab/run-2", PackageRevisions.hash(2), T0, T0);
        f.bus.failEntries(e -> e.detail().path("package-name").asText().equals("lab/run-2"), "InternalFailure");
        PackageReadyAnnouncer announcer = announcer(Optional.empty());

        AnnounceSummary first = announcer.announce(Deadline.none());
        assertEquals(1, first.published());
        assertEquals(1, first.publishFailures());

        f.bus.heal();
        assertEquals(1, announcer.announce(Deadline.none()).published());
        assertEquals(List.of("lab/run-1", "lab/run-2"),
                f.bus.entries("package-ready").stream().map(e -> e.detail().path("package-name").asText()).toList());
    }
}

package com.quiltdata.edp.packager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.packager.domain.AutomaticPackages;
import com.quiltdata.edp.packager.domain.Checksum;
import com.quiltdata.edp.packager.port.ListedObject;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.ObjectCopier;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.testing.InMemoryRegistry;
import com.quiltdata.edp.packager.testing.InMemoryRevisionStore;
import com.quiltdata.edp.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The packager's message policy without the Lambda types: done, rejected (to the DLQ) or retried, and who is told. */
class PackageMessagesTest {
    private final ExecutorService workers = PackagerWiring.workers(2);
    private final MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
    private final InMemoryRevisionStore revisions = new InMemoryRevisionStore();
    private final List<Notifier.Failure> notices = new ArrayList<>();
    private final List<String> emf = new ArrayList<>();
    private final Metrics metrics = new Metrics("packager", Optional.empty(), clock, emf::add);

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    /** Each folder holds one object; listing the folder "down/" fails as an unreachable S3 would. */
    private PackageMessages messages() throws Exception {
        Notifier notifier = new Notifier() {
            @Override
            public void packageCreated(PackageRevision revision) {}

            @Override
            public void packageFailed(Failure failure) {
                notices.add(failure);
            }
        };
        ObjectCopier copier = (source, bucket, key) -> { throw new UnsupportedOperationException(); };
        PackagePrefix useCase = new PackagePrefix((bucket, folder, sink) -> {
            if (folder.equals("down/")) {
                throw new IllegalStateException("S3 is unreachable");
            }
            sink.accept(new ListedObject(bucket, folder + "x.dat", Optional.empty(), 1, Set.of()));
        }, o -> new Checksum(Checksum.SHA2_256_CHUNKED, "h"), copier, (location, max) -> Optional.empty(),
                new InMemoryRegistry(), revisions, notifier, workers, clock, Duration.ZERO,
                Files.createDirectories(Path.of("target", "packager-tmp")));
        return new PackageMessages(useCase, notifier, AutomaticPackages.SOURCE_BUCKET, clock);
    }

    private static PackageMessages.Message folder(String id, String folder, String receiveCount) {
        return new PackageMessages.Message(id, "{\"source_prefix\": \"s3://b/" + folder + "\"}", receiveCount);
    }

    @Test
    void shouldAcknowledgeWhatIsPackagedAndWhatAsksForNothing() throws Exception {
        List<String> failed = messages().handle(List.of(folder("a", "a/", "1"),
                new PackageMessages.Message("omics", "{\"detail-type\": \"Run Status Change\", \"source\": \"aws.omics\","
                        + " \"detail\": {\"status\": \"RUNNING\"}}", "1")), PackageMessages.NO_DEADLINE, metrics);
        assertEquals(List.of(), failed);
        assertEquals(1, revisions.revisions.size());
        assertEquals(1.0, metrics.value("PackagesCreated"));
    }

    @Test
    void shouldFailARejectedRequestAndNotifyItOnlyOnItsFirstDelivery() throws Exception {
        PackageMessages messages = messages();
        String bad = "{\"source_prefix\": \"http://b/a/\"}";
        List<String> failed = messages.handle(List.of(new PackageMessages.Message("first", bad, "1"),
                new PackageMessages.Message("again", bad, "2"), new PackageMessages.Message("unknown", bad, null)),
                PackageMessages.NO_DEADLINE, metrics);
        assertEquals(List.of("first", "again", "unknown"), failed);
        assertEquals(2, notices.size(), "the first delivery and one of unknown count are notified, a redelivery is not");
        assertTrue(notices.get(0).reason().contains("expected an s3:// URL"), notices.get(0).reason());
        assertEquals(3.0, metrics.value("PackagesFailed"));
    }

    @Test
    void shouldRetryAFailureThatMayPassWithoutNotifyingIt() throws Exception {
        List<String> failed = messages().handle(List.of(folder("down", "down/", "1"), folder("a", "a/", "1")),
                PackageMessages.NO_DEADLINE, metrics);
        assertEquals(List.of("down"), failed);
        assertEquals(List.of(), notices);
        assertEquals(1, revisions.revisions.size());
    }

    @Test
    void shouldStartNoMessageInsideTheMargin() throws Exception {
        long remaining = PackageMessages.START_MARGIN.toMillis() - 1;
        List<String> failed = messages().handle(List.of(folder("a", "a/", "1"), folder("b", "b/", "1")), () -> remaining, metrics);
        assertEquals(List.of("a", "b"), failed);
        assertEquals(0, revisions.revisions.size());
    }

    @Test
    void shouldRecordIntoTheReceiversMetricsAndLeaveTheFlushToIt() throws Exception {
        messages().handle(List.of(folder("a", "a/", "1")), PackageMessages.NO_DEADLINE, metrics);
        assertEquals(List.of(), emf);
        metrics.flush();
        assertEquals(1, emf.size());
        assertTrue(emf.get(0).contains("\"PackagesCreated\":1"), emf.get(0));
    }
}

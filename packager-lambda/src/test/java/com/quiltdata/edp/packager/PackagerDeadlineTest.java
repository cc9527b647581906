package com.quiltdata.edp.packager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.quiltdata.edp.packager.domain.Checksum;
import com.quiltdata.edp.packager.port.ListedObject;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.ObjectCopier;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.testing.ClockContext;
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

/** The handler's deadline: a slow package never makes finished or unstarted messages fail with it. */
class PackagerDeadlineTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(900);
    private final ExecutorService workers = PackagerWiring.workers(2);
    private final MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
    private final InMemoryRegistry registry = new InMemoryRegistry();
    private final InMemoryRevisionStore revisions = new InMemoryRevisionStore();
    private final List<String> listed = new ArrayList<>();

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    /** Each folder holds one object; listing "slow/" takes {@code slow} of clock time. */
    private PackagerHandler handler(Duration slow) throws Exception {
        Notifier quiet = new Notifier() {
            @Override
            public void packageCreated(PackageRevision revision) {}

            @Override
            public void packageFailed(Failure failure) {}
        };
        ObjectCopier copier = (source, bucket, key) -> { throw new UnsupportedOperationException(); };
        PackagePrefix useCase = new PackagePrefix((bucket, folder, sink) -> {
            listed.add(folder);
            if (folder.equals("slow/")) {
                clock.advance(slow);
            }
            sink.accept(new ListedObject(bucket, folder + "x.dat", Optional.empty(), 1, Set.of()));
        }, o -> new Checksum(Checksum.SHA2_256_CHUNKED, "h"), copier, (location, max) -> Optional.empty(), registry,
                revisions, quiet, workers, clock, Duration.ZERO, Files.createDirectories(Path.of("target", "packager-tmp")));
        return new PackagerHandler(new PackagerWiring(useCase, quiet, clock), line -> {});
    }

    private static SQSEvent batch(String... folders) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (String folder : folders) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId(folder);
            m.setBody("{\"source_prefix\": \"s3://b/" + folder + "/\"}");
            records.add(m);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static List<String> failed(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    @Test
    void shouldReturnUnstartedMessagesAndKeepFinishedOnesWhenOneIsSlow() throws Exception {
        // Given a batch whose second package takes 850 of the invocation's 900 seconds
        PackagerHandler handler = handler(Duration.ofSeconds(850));
        // When the handler runs it with the Lambda's deadline
        SQSBatchResponse response = handler.handleRequest(batch("a", "slow", "c", "d"), new ClockContext(clock, TIMEOUT));
        // Then it returns before the deadline: the finished ones are acknowledged, the unstarted ones go back untouched
        assertEquals(List.of("c", "d"), failed(response));
        assertEquals(List.of("a/", "slow/"), listed);
        assertEquals(2, revisions.revisions.size());
        assertTrue(registry.latest("b", com.quiltdata.edp.packager.domain.PackageName.parse("package/slow")).isPresent());
    }

    @Test
    void shouldStartEveryMessageWhileTimeIsLeft() throws Exception {
        PackagerHandler handler = handler(Duration.ofSeconds(800));
        SQSBatchResponse response = handler.handleRequest(batch("a", "slow", "c"), new ClockContext(clock, TIMEOUT));
        assertEquals(List.of(), failed(response));
        assertEquals(3, revisions.revisions.size());
    }

    @Test
    void shouldStartNothingWhenTheInvocationBeginsInsideTheMargin() throws Exception {
        PackagerHandler handler = handler(Duration.ZERO);
        SQSBatchResponse response = handler.handleRequest(batch("a"),
                new ClockContext(clock, PackagerHandler.START_MARGIN.minusMillis(1)));
        assertEquals(List.of("a"), failed(response));
        assertEquals(List.of(), listed);
    }
}

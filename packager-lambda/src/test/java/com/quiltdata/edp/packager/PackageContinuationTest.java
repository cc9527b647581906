package com.quiltdata.edp.packager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.packager.domain.Continuation;
import com.quiltdata.edp.packager.domain.PackageName;
import com.quiltdata.edp.packager.port.ContinuationQueue;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.s3.S3CheckpointStore;
import com.quiltdata.edp.packager.s3.S3ContentHasher;
import com.quiltdata.edp.packager.s3.S3ObjectCopier;
import com.quiltdata.edp.packager.s3.S3ObjectLister;
import com.quiltdata.edp.packager.s3.S3ObjectReader;
import com.quiltdata.edp.packager.s3.S3PackageRegistry;
import com.quiltdata.edp.packager.sqs.SqsContinuationQueue;
import com.quiltdata.edp.packager.testing.InMemoryRevisionStore;
import com.quiltdata.edp.packager.testing.S3Packaging;
import com.quiltdata.edp.packager.testing.ShrinkingContext;
import com.quiltdata.edp.testing.InProcessS3;
import com.quiltdata.edp.testing.InProcessSqs;
import com.quiltdata.edp.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A package too long for one invocation goes on from checkpoints across invocations (ADR 0114):
 * objects and registry in S3Mock, the continuation messages through ElasticMQ, the handler as the
 * Lambda runs it with a deadline that runs out after a known number of objects.
 */
class PackageContinuationTest {
    private static final int OBJECTS = 45;
    /** Asked once before the message and once per object: 75 s falls below the 60 s margin after 15 objects. */
    private static final long START_MILLIS = 75_000;
    private static final long STEP_MILLIS = 1_000;

    private static InProcessS3 s3mock;
    private static InProcessSqs sqs;
    private static S3Client s3;
    private static ExecutorService workers;
    private static String source;
    private static String singleRunTopHash;
    private static int names;

    private String queue;
    private final AtomicInteger failSends = new AtomicInteger();
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private final InMemoryRevisionStore revisions = new InMemoryRevisionStore();
    private PackagerHandler handler;

    @BeforeAll
    static void startAll() throws Exception {
        s3mock = InProcessS3.start();
        s3 = s3mock.client();
        sqs = InProcessSqs.start();
        workers = PackagerWiring.workers(4);
        source = "continued-source";
        s3mock.createBucket(source, true);
        for (int object = 0; object < OBJECTS; object++) {
            int i = object;
            s3.putObject(r -> r.bucket(source).key("run/" + (i % 3) + "/object-" + i + ".txt").checksumAlgorithm(ChecksumAlgorithm.SHA256),
                    RequestBody.fromString("content of object " + i, StandardCharsets.UTF_8));
        }
        s3.putObject(r -> r.bucket(source).key("run/quilt_metadata.json"), RequestBody.fromString("{\"experiment\": 42}"));
        // the top hash one invocation writes for the same request, with no deadline
        PackageOutcome single = S3Packaging.packager(s3, new S3ContentHasher(s3, S3ContentHasher.Options.defaults()),
                com.quiltdata.edp.packager.domain.HashType.SHA2_256_CHUNKED, workers, Files.createDirectories(Path.of("target", "packager-tmp")))
                .run(S3Packaging.request(source, "run/", "single/run"));
        singleRunTopHash = single.topHash();
    }

    @AfterAll
    static void stopAll() {
        workers.shutdownNow();
        sqs.close();
        s3mock.close();
        Log.redirect(System.out, false);
    }

    @BeforeEach
    void setUp() throws Exception {
        queue = sqs.createQueueWithDlq("packager-" + (++names), 5);
        Log.redirect(new PrintStream(logs, true, StandardCharsets.UTF_8), false);
        S3ObjectReader reader = new S3ObjectReader(s3);
        S3ContentHasher hasher = new S3ContentHasher(s3, S3ContentHasher.Options.defaults());
        Notifier quiet = new Notifier() {
            @Override
            public void packageCreated(PackageRevision revision) {}

            @Override
            public void packageFailed(Failure failure) {}
        };
        MutableClock clock = MutableClock.at("2026-03-01T12:00:00Z");
        PackagePrefix useCase = new PackagePrefix(new S3ObjectLister(s3), hasher, new S3ObjectCopier(s3, hasher), reader,
                new S3PackageRegistry(s3, reader), revisions, quiet, workers, clock, Duration.ZERO,
                Files.createDirectories(Path.of("target", "packager-tmp")), Optional.of(new S3CheckpointStore(s3)));
        SqsContinuationQueue sqsQueue = new SqsContinuationQueue(sqs.client(), queue);
        // a crash between the checkpoint and the message: the first failSends sends die
        ContinuationQueue queued = body -> {
            if (failSends.getAndDecrement() > 0) {
                throw new IllegalStateException("the invocation died before it sent the continuation");
            }
            sqsQueue.send(body);
        };
        handler = new PackagerHandler(new PackagerWiring(useCase, quiet, clock, com.quiltdata.edp.packager.domain.AutomaticPackages.SOURCE_BUCKET,
                Optional.of(queued), Duration.ofSeconds(60)), line -> {});
    }

    private String request(String name) {
        return "{\"source_prefix\": \"s3://" + source + "/run/\", \"package_name\": \"" + name + "\"}";
    }

    /** One invocation for one received message, as the event source mapping makes it; failures become visible again at once. */
    private List<String> invoke(Message m) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId(m.messageId());
        record.setBody(m.body());
        record.setAttributes(Map.of("ApproximateReceiveCount", m.attributesAsStrings().getOrDefault("ApproximateReceiveCount", "1")));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(record));
        SQSBatchResponse response = handler.handleRequest(event, new ShrinkingContext(START_MILLIS, STEP_MILLIS));
        List<String> failed = response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
        if (failed.isEmpty()) {
            sqs.delete(queue, m);
        } else {
            sqs.client().changeMessageVisibility(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
        }
        return failed;
    }

    /** Invokes the handler until the queue is empty; returns the invocations made. */
    private int drain() {
        int invocations = 0;
        for (List<Message> received = sqs.receive(queue); !received.isEmpty(); received = sqs.receive(queue)) {
            for (Message m : received) {
                invoke(m);
                invocations++;
                assertTrue(invocations < 50, "the continuation does not end");
            }
        }
        return invocations;
    }

    private static String latest(String name) {
        return s3.getObjectAsBytes(r -> r.bucket(source).key(".quilt/named_packages/" + name + "/latest")).asUtf8String().trim();
    }

    private static List<String> manifest(String topHash) {
        return List.of(s3.getObjectAsBytes(r -> r.bucket(source).key(".quilt/packages/" + topHash)).asUtf8String().split("\n"));
    }

    /** The checkpoint parts in the registry: current versions (S3Mock's ListObjectsV2 still shows deleted keys of a versioned bucket). */
    private static List<String> checkpointKeys() {
        List<String> keys = new ArrayList<>();
        new S3ObjectLister(s3).listLatest(source, S3CheckpointStore.PREFIX, o -> keys.add(o.key()));
        return keys;
    }

    private Message only() {
        List<Message> received = sqs.receive(queue);
        assertEquals(1, received.size(), "one message on the queue");
        return received.get(0);
    }

    @Test
    void shouldBuildAPackageOverSeveralInvocationsWithTheTopHashOfOne() {
        // Given a request for 46 objects and invocations that run out of time after about 15 objects each
        sqs.send(queue, request("continued/run"));

        // When the handler takes every message the queue holds until it is empty
        int invocations = drain();

        // Then it took several invocations, each going on from the last one's checkpoint
        assertTrue(invocations >= 3 && invocations <= 5, "invocations: " + invocations);
        // and the revision is the one a single invocation writes: same top hash, every object once
        assertEquals(singleRunTopHash, latest("continued/run"));
        assertEquals(OBJECTS + 2, manifest(singleRunTopHash).size(), "header, 45 objects and the metadata file");
        assertTrue(manifest(singleRunTopHash).get(0).contains("\"experiment\": 42"), "the folder's metadata file is the package's metadata");
        assertEquals(1, revisions.revisions.size());
        // and the checkpoints are gone
        assertEquals(List.of(), checkpointKeys());
    }

    @Test
    void shouldIgnoreARedeliveredContinuationAndADuplicateOne() {
        // Given a package whose first invocation ran out of time and sent its continuation
        sqs.send(queue, request("redelivered/run"));
        invoke(only());
        Message continuation = only();
        assertEquals(1, Continuation.in(continuation.body()).orElseThrow().part());

        // When the continuation is handled, and its acknowledgement is lost so the queue delivers it again
        SQSEvent.SQSMessage first = new SQSEvent.SQSMessage();
        first.setMessageId(continuation.messageId());
        first.setBody(continuation.body());
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(first));
        assertEquals(List.of(), handler.handleRequest(event, new ShrinkingContext(START_MILLIS, STEP_MILLIS)).getBatchItemFailures());
        sqs.client().changeMessageVisibility(r -> r.queueUrl(queue).receiptHandle(continuation.receiptHandle()).visibilityTimeout(0));
        // (the redelivery re-sends the next continuation: the queue now holds it twice, under two message ids)
        int invocations = drain();

        // Then the duplicates are dropped: one revision, the single run's top hash, each object once, no checkpoint left
        assertTrue(invocations >= 3, "invocations: " + invocations);
        assertEquals(singleRunTopHash, latest("redelivered/run"));
        assertEquals(OBJECTS + 2, manifest(singleRunTopHash).size());
        assertEquals(1, revisions.revisions.size());
        assertEquals(List.of(), checkpointKeys());
        String log = logs.toString(StandardCharsets.UTF_8);
        // the re-sent duplicate is dropped either as a duplicate or, if the package finished first, as finished
        assertTrue(log.contains("a duplicate of the continuation") || log.contains("the package was finished by an earlier delivery"), log);
    }

    @Test
    void shouldRecoverACrashBetweenTheCheckpointAndTheContinuationByRedelivery() {
        // Given an invocation that writes its checkpoint and dies before it sends the continuation
        failSends.set(1);
        sqs.send(queue, request("crashed/run"));
        Message original = only();
        assertEquals(List.of(original.messageId()), invoke(original), "the crashed message stays on the queue");
        assertEquals(1, checkpointKeys().size(), "its checkpoint was written");

        // When the queue delivers the same message again, and then whatever follows
        int invocations = drain();

        // Then the redelivery sends the continuation of the checkpoint it finds (no part hashed twice), and the package is the single run's
        assertTrue(logs.toString(StandardCharsets.UTF_8).contains("re-sent the continuation of part 1 after a crash"));
        assertTrue(invocations >= 3, "invocations: " + invocations);
        assertEquals(singleRunTopHash, latest("crashed/run"));
        assertEquals(OBJECTS + 2, manifest(singleRunTopHash).size());
        assertEquals(List.of(), checkpointKeys());
    }

    @Test
    void shouldRefuseAContinuationOfAnotherRequestsCheckpoint() {
        // Given a run whose first part is in the registry
        sqs.send(queue, request("victim/run"));
        invoke(only());
        Message continuation = only();
        sqs.delete(queue, continuation);
        // When a message for another package names that run
        String forged = Continuation.in(continuation.body()).orElseThrow().addTo(request("other/run"));
        sqs.send(queue, forged);
        Message m = only();
        List<String> failed = invoke(m);
        // Then it is rejected, naming why, and the victim's checkpoint is untouched
        assertEquals(List.of(m.messageId()), failed);
        assertTrue(logs.toString(StandardCharsets.UTF_8).contains("was written for"), logs.toString(StandardCharsets.UTF_8));
        assertEquals(1, checkpointKeys().stream().filter(k -> k.contains(Continuation.in(continuation.body()).orElseThrow().run().toString())).count());
        sqs.delete(queue, m);
        checkpointKeys().forEach(k -> s3.deleteObject(r -> r.bucket(source).key(k)));
    }
}

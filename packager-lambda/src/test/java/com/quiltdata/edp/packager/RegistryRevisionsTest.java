package com.quiltdata.edp.packager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.packager.domain.PackageName;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.postgres.JdbcRevisionStore;
import com.quiltdata.edp.packager.s3.S3ContentHasher;
import com.quiltdata.edp.packager.s3.S3ObjectCopier;
import com.quiltdata.edp.packager.s3.S3ObjectLister;
import com.quiltdata.edp.packager.s3.S3ObjectReader;
import com.quiltdata.edp.packager.s3.S3PackageRegistry;
import com.quiltdata.edp.packager.sns.SnsNotifier;
import com.quiltdata.edp.testing.FakeSns;
import com.quiltdata.edp.testing.InProcessS3;
import com.quiltdata.edp.testing.MutableClock;
import com.quiltdata.edp.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;

/**
 * Revisions written to a registry by another writer (ADR 0111): the packager reads the S3 event of
 * the timestamp pointer, and records the revision once, for the emit Lambda's package-ready. The
 * registry is S3Mock, written the way quilt3 writes it (manifest, pointer, latest; golden vector P1),
 * the revisions are in PostgreSQL.
 */
class RegistryRevisionsTest {
    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:edp";
    private static InProcessS3 s3mock;
    private static FakeSns sns;
    private static S3Client s3;
    private static ExecutorService workers;
    private static int buckets;

    private TestDatabase db;
    private MutableClock clock;
    private PackagerHandler handler;
    private JdbcRevisionStore revisions;
    private final List<String> metricLines = new ArrayList<>();
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    @BeforeAll
    static void startAll() {
        s3mock = InProcessS3.start();
        s3 = s3mock.client();
        sns = FakeSns.start();
        workers = PackagerWiring.workers(4);
    }

    @AfterAll
    static void stopAll() {
        workers.shutdownNow();
        sns.close();
        s3mock.close();
    }

    @BeforeEach
    void setUp() throws IOException {
        db = TestDatabase.create();
        clock = MutableClock.at("2026-03-01T12:00:00Z");
        sns.clear();
        Log.redirect(new PrintStream(logs, true, StandardCharsets.UTF_8), false);
        S3ObjectReader reader = new S3ObjectReader(s3);
        S3ContentHasher hasher = new S3ContentHasher(s3, S3ContentHasher.Options.defaults());
        SnsNotifier notifier = new SnsNotifier(sns.client(), TOPIC);
        revisions = new JdbcRevisionStore(db.database());
        PackagePrefix useCase = new PackagePrefix(new S3ObjectLister(s3), hasher, new S3ObjectCopier(s3, hasher), reader,
                new S3PackageRegistry(s3, reader), revisions, notifier, workers, clock, Duration.ofSeconds(90),
                Files.createDirectories(Path.of("target", "packager-tmp")));
        handler = new PackagerHandler(new PackagerWiring(useCase, notifier, clock), metricLines::add);
    }

    @AfterEach
    void tearDown() {
        Log.redirect(System.out, false);
        db.close();
    }

    private static String newBucket() {
        String name = "reg" + (++buckets);
        s3mock.createBucket(name, true);
        return name;
    }

    /** Writes a file as quilt3 does (plain PutObject) and returns the version S3 gave it. */
    private static String put(String bucket, String key, String content) {
        return s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(content, StandardCharsets.UTF_8)).versionId();
    }

    private static JsonNode vectorP1() {
        try (InputStream in = RegistryRevisionsTest.class.getResourceAsStream("/golden/package-P1-nested-tree-entry-meta.json")) {
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** quilt3's push of vector P1 to the bucket's registry: manifest, then timestamp pointer, then latest. */
    private static String pushP1(String bucket) {
        JsonNode p1 = vectorP1();
        String top = p1.path("top_hash").asText();
        put(bucket, ".quilt/packages/" + top, p1.path("manifest_jsonl").asText());
        String version = put(bucket, ".quilt/named_packages/demo/pkg/1700000000", top);
        put(bucket, ".quilt/named_packages/demo/pkg/latest", top);
        return version;
    }

    /** The S3 EventBridge event of a write, as the template's rule delivers it to the packager queue. */
    private static String created(String bucket, String key, String versionId) {
        return "{\"version\":\"0\",\"id\":\"" + UUID.randomUUID() + "\",\"detail-type\":\"Object Created\",\"source\":\"aws.s3\","
                + "\"account\":\"123456789012\",\"time\":\"2026-03-01T12:00:00Z\",\"region\":\"us-east-1\","
                + "\"resources\":[\"arn:aws:s3:::" + bucket + "\"],\"detail\":{\"version\":\"0\",\"bucket\":{\"name\":\"" + bucket + "\"},"
                + "\"object\":{\"key\":\"" + key + "\",\"size\":64" + (versionId == null ? "" : ",\"version-id\":\"" + versionId + "\"")
                + ",\"sequencer\":\"0062A5B3F1DA01C2E4\"},\"reason\":\"PutObject\"}}";
    }

    private List<String> handle(String body) {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId("m1");
        m.setBody(body);
        m.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(m));
        SQSBatchResponse response = handler.handleRequest(event, null);
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    private long rows() {
        return db.scalar("SELECT count(*) FROM package_revision");
    }

    private String logged() {
        return logs.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aRevisionQuilt3PushedIsRecordedOnceWithItsFilesAndSize() {
        String bucket = newBucket();
        String version = pushP1(bucket);
        String top = vectorP1().path("top_hash").asText();

        assertEquals(List.of(), handle(created(bucket, ".quilt/named_packages/demo/pkg/1700000000", version)));

        assertEquals(1, rows());
        assertEquals(1, db.scalar("SELECT count(*) FROM package_revision WHERE registry = ? AND package_name = 'demo/pkg'"
                + " AND top_hash = ? AND object_count = 4 AND total_bytes = 20 AND batch_id IS NULL"
                + " AND pointer_key = '.quilt/named_packages/demo/pkg/1700000000'"
                + " AND source_uri = ? AND created_at = '2023-11-14T22:13:20Z'"
                + " AND ready_at = '2026-03-01T12:00:00Z'::timestamptz + interval '90 seconds' AND published_at IS NULL",
                bucket, top, "s3://" + bucket + "/.quilt/named_packages/demo/pkg/1700000000"));
        assertTrue(metricLines.stream().anyMatch(l -> l.contains("\"RegistryRevisionsRecorded\":1")), metricLines.toString());
        assertTrue(sns.published().isEmpty(), "a revision someone else wrote is announced by package-ready only");

        // the event again (at-least-once delivery) and the latest pointer's own event add nothing
        assertEquals(List.of(), handle(created(bucket, ".quilt/named_packages/demo/pkg/1700000000", version)));
        assertEquals(List.of(), handle(created(bucket, ".quilt/named_packages/demo/pkg/latest", null)));
        assertEquals(1, rows());
        assertTrue(logged().contains("registry revision already recorded"), logged());
    }

    @Test
    void thePointerIsReadAtTheVersionItsEventNames() {
        String bucket = newBucket();
        String first = pushP1(bucket);
        // a second push in the same second overwrites the pointer with another top hash (and a manifest)
        String other = "f".repeat(64);
        put(bucket, ".quilt/packages/" + other, "{\"version\": \"v0\", \"message\": \"again\"}\n");
        String second = put(bucket, ".quilt/named_packages/demo/pkg/1700000000", other);

        assertEquals(List.of(), handle(created(bucket, ".quilt/named_packages/demo/pkg/1700000000", first)));
        assertEquals(List.of(), handle(created(bucket, ".quilt/named_packages/demo/pkg/1700000000", second)));

        // each content of the pointer was a revision, and each is recorded once
        assertEquals(1, db.scalar("SELECT count(*) FROM package_revision WHERE top_hash = ? AND object_count = 4",
                vectorP1().path("top_hash").asText()));
        assertEquals(1, db.scalar("SELECT count(*) FROM package_revision WHERE top_hash = ? AND object_count = 0", other));
    }

    @Test
    void ourOwnPointersEventAddsNoSecondRevision() {
        String bucket = newBucket();
        s3.putObject(r -> r.bucket(bucket).key("lab/run-7/a.csv").checksumAlgorithm(ChecksumAlgorithm.SHA256), RequestBody.fromString("a"));
        assertEquals(List.of(), handle("{\"source_prefix\": \"s3://" + bucket + "/lab/run-7/\"}"));
        assertEquals(1, rows());
        String pointer = ".quilt/named_packages/lab/run-7/" + clock.instant().getEpochSecond();
        assertEquals(1, db.scalar("SELECT count(*) FROM package_revision WHERE pointer_key = ?", pointer), "our row names its pointer");
        String pointerVersion = s3.headObject(r -> r.bucket(bucket).key(pointer)).versionId();
        sns.clear();

        clock.advance(Duration.ofSeconds(30));
        assertEquals(List.of(), handle(created(bucket, pointer, pointerVersion)));
        assertEquals(List.of(), handle(created(bucket, ".quilt/named_packages/lab/run-7/latest", null)));

        assertEquals(1, rows());
        assertTrue(sns.published().isEmpty());
        assertTrue(logged().contains("registry revision already recorded"), logged());
    }

    @Test
    void whenThePointersEventIsRecordedFirstOurRowAddsItsBatch() {
        // a crash between our pointer write and our row lets the event through first
        String bucket = newBucket();
        String version = pushP1(bucket);
        String top = vectorP1().path("top_hash").asText();
        assertEquals(List.of(), handle(created(bucket, ".quilt/named_packages/demo/pkg/1700000000", version)));

        UUID batch = UUID.randomUUID();
        Instant created = Instant.parse("2023-11-14T22:13:20.400Z");
        PackageRevision ours = new PackageRevision(bucket, new PackageName("demo", "pkg"), top, Optional.of(batch),
                "s3://" + bucket + "/p1/", 4, 20, created, created.plusSeconds(90));
        assertEquals(false, revisions.recordPointer(ours, ".quilt/named_packages/demo/pkg/1700000000"));

        assertEquals(1, rows());
        assertTrue(revisions.hasBatch(batch), "the batch is known as packaged, so its redelivery writes nothing");
        assertEquals(1, db.scalar("SELECT count(*) FROM package_revision WHERE batch_id = ? AND source_uri = ?", batch,
                "s3://" + bucket + "/p1/"));
    }

    @Test
    void aRevisionRecordedBeforePointersWereIsNotRecordedAgain() {
        String bucket = newBucket();
        String version = pushP1(bucket);
        String top = vectorP1().path("top_hash").asText();
        // a row from before V9: no pointer key, created within the pointer's second
        db.execute("INSERT INTO package_revision (registry, package_name, top_hash, source_uri, object_count, total_bytes,"
                + " created_at, ready_at, published_at) VALUES ('" + bucket + "', 'demo/pkg', '" + top + "', 's3://" + bucket
                + "/p1/', 4, 20, '2023-11-14T22:13:20.731Z', '2023-11-14T22:13:20.731Z', '2023-11-14T22:13:21Z')");

        assertEquals(List.of(), handle(created(bucket, ".quilt/named_packages/demo/pkg/1700000000", version)));

        assertEquals(1, rows());
    }

    @Test
    void aPointerWithoutItsManifestGoesToTheDeadLetterQueueWithTheReason() {
        String bucket = newBucket();
        String top = "0".repeat(64);
        String version = put(bucket, ".quilt/named_packages/demo/gone/1700000000", top);

        assertEquals(List.of("m1"), handle(created(bucket, ".quilt/named_packages/demo/gone/1700000000", version)));

        assertEquals(0, rows());
        assertTrue(logged().contains("manifest s3://" + bucket + "/.quilt/packages/" + top + " does not exist"), logged());
        assertEquals(1, sns.published().size(), "the failure notice of a rejected message");
        assertTrue(sns.published().get(0).body().contains("demo/gone"), sns.published().get(0).body());
    }

    @Test
    void aPointerThatHoldsNoTopHashOrAManifestThatIsNotOneAreRejected() {
        String bucket = newBucket();
        String bad = put(bucket, ".quilt/named_packages/demo/bad/1700000000", "not a hash");
        assertEquals(List.of("m1"), handle(created(bucket, ".quilt/named_packages/demo/bad/1700000000", bad)));
        assertTrue(logged().contains("holds 'not a hash', not a top hash"), logged());

        String top = "1".repeat(64);
        put(bucket, ".quilt/packages/" + top, "<Error>AccessDenied</Error>");
        String pointer = put(bucket, ".quilt/named_packages/demo/html/1700000001", top);
        assertEquals(List.of("m1"), handle(created(bucket, ".quilt/named_packages/demo/html/1700000001", pointer)));
        assertTrue(logged().contains(".quilt/packages/" + top + " line 1 is not JSON"), logged());
        assertEquals(0, rows());
    }

    @Test
    void aPointerDeletedBeforeItsEventWasReadAnnouncesNothing() {
        String bucket = newBucket();
        pushP1(bucket);
        s3.deleteObject(r -> r.bucket(bucket).key(".quilt/named_packages/demo/pkg/1700000000"));

        assertEquals(List.of(), handle(created(bucket, ".quilt/named_packages/demo/pkg/1700000000", null)));

        assertEquals(0, rows());
        assertTrue(logged().contains("registry revision gone"), logged());
    }
}

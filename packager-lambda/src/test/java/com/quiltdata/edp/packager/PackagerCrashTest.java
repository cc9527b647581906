package com.quiltdata.edp.packager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.packager.postgres.JdbcRevisionStore;
import com.quiltdata.edp.packager.domain.PackageRequest;
import com.quiltdata.edp.packager.domain.RequestParser;
import com.quiltdata.edp.packager.s3.S3ContentHasher;
import com.quiltdata.edp.packager.s3.S3ObjectCopier;
import com.quiltdata.edp.packager.s3.S3ObjectLister;
import com.quiltdata.edp.packager.s3.S3ObjectReader;
import com.quiltdata.edp.packager.s3.S3PackageRegistry;
import com.quiltdata.edp.packager.sns.SnsNotifier;
import com.quiltdata.edp.packager.testing.CrashAt;
import com.quiltdata.edp.packager.testing.CrashAt.Step;
import com.quiltdata.edp.testing.FakeSns;
import com.quiltdata.edp.testing.InProcessS3;
import com.quiltdata.edp.testing.MutableClock;
import com.quiltdata.edp.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A packager run killed after each of its write steps, then retried later, over the real adapters
 * (S3Mock registry, PostgreSQL revisions, SNS through the SDK): the retry converges to what an
 * uncrashed run writes.
 */
class PackagerCrashTest {
    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:edp";
    private static InProcessS3 s3mock;
    private static S3Client s3;
    private static FakeSns sns;
    private static ExecutorService workers;
    private static int buckets;

    private TestDatabase db;
    private final MutableClock clock = MutableClock.at("2026-03-01T12:00:00Z");
    private final CrashAt crash = new CrashAt();
    private PackagePrefix packager;
    private String bucket;

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
    void setUp() throws Exception {
        db = TestDatabase.create();
        sns.clear();
        bucket = "crash" + (++buckets);
        s3mock.createBucket(bucket, true);
        S3ObjectReader reader = new S3ObjectReader(s3);
        S3ContentHasher hasher = new S3ContentHasher(s3, S3ContentHasher.Options.defaults());
        packager = new PackagePrefix(new S3ObjectLister(s3), hasher, new S3ObjectCopier(s3, hasher), reader,
                crash.registry(new S3PackageRegistry(s3, reader)), crash.revisions(new JdbcRevisionStore(db.database())),
                crash.notifier(new SnsNotifier(sns.client(), TOPIC)), workers, clock, Duration.ZERO,
                Files.createDirectories(Path.of("target", "packager-tmp")));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private void put(String key, String content) {
        s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(content, StandardCharsets.UTF_8));
    }

    /** Timestamp pointers of the package: key → top hash. */
    private List<String> pointers(String name) {
        return s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(".quilt/named_packages/" + name + "/")).contents().stream()
                .map(S3Object::key).filter(k -> !k.endsWith("/latest"))
                .map(k -> s3.getObjectAsBytes(r -> r.bucket(bucket).key(k)).asUtf8String()).toList();
    }

    private String latest(String name) {
        return s3.getObjectAsBytes(r -> r.bucket(bucket).key(".quilt/named_packages/" + name + "/latest")).asUtf8String();
    }

    private List<String> noticedTopHashes() {
        return sns.published().stream().map(p -> Json.parse(p.message()))
                .filter(n -> n.get("type").asText().equals("package-created")).map(n -> n.get("top_hash").asText()).toList();
    }

    private PackageRequest request(boolean batch) {
        String body = batch
                ? "{\"detail-type\":\"package-objects-ready\",\"source\":\"com.quiltdata.edp\",\"detail\":{\"bucket\":\"" + bucket
                        + "\",\"prefix\":\"run/\",\"batch_id\":\"" + UUID.nameUUIDFromBytes(bucket.getBytes()) + "\"}}"
                : "{\"source_prefix\": \"s3://" + bucket + "/run/\", \"package_name\": \"lab/run\"}";
        return RequestParser.parse(body).request().orElseThrow();
    }

    private void assertLikeOneUncrashedRun(String name, String topHash, String when) {
        assertEquals(List.of(topHash), pointers(name), when + ": one timestamp pointer for the revision");
        assertEquals(topHash, latest(name), when);
        assertEquals(1, db.scalar("SELECT count(*) FROM package_revision WHERE top_hash = ?", topHash), when + ": one row");
        assertEquals(0, db.scalar("SELECT count(*) FROM package_write"), when + ": no write left open");
        assertTrue(noticedTopHashes().contains(topHash), when + ": the package-created notice went out");
    }

    @ParameterizedTest(name = "description, crash after {0}")
    @EnumSource(Step.class)
    void shouldConvergeWhenADescriptionIsRetriedAfterACrash(Step step) {
        assertConverges(step, false, "lab/run");
    }

    @ParameterizedTest(name = "EDP batch, crash after {0}")
    @EnumSource(Step.class)
    void shouldConvergeWhenABatchIsRetriedAfterACrash(Step step) {
        assertConverges(step, true, "package/run");
    }

    private void assertConverges(Step step, boolean batch, String name) {
        // Given a folder and a run that dies right after one write step
        put("run/a.txt", "a");
        put("run/b.txt", "b");
        crash.arm(step);
        assertThrows(CrashAt.Crash.class, () -> packager.run(request(batch)));
        // When the queue redelivers the request later (another second: a new pointer time if one were chosen)
        clock.advance(Duration.ofSeconds(95));
        PackageOutcome retry = packager.run(request(batch));
        // Then the registry, the rows and the notices are those of one uncrashed run
        boolean crashedBeforeTheEnd = step != Step.CLOSE_WRITE;
        assertEquals(crashedBeforeTheEnd ? PackageOutcome.Kind.CREATED : PackageOutcome.Kind.UNCHANGED, retry.kind(),
                "created is counted once: by the run that finished the write");
        String topHash = latest(name);
        assertLikeOneUncrashedRun(name, topHash, "crash after " + step);
        int expectedNotices = step == Step.NOTICE ? 2 : 1;
        assertEquals(expectedNotices, noticedTopHashes().size(), "notices after a crash after " + step);
        // and a third delivery changes nothing
        clock.advance(Duration.ofSeconds(95));
        assertEquals(PackageOutcome.Kind.UNCHANGED, packager.run(request(batch)).kind());
        assertLikeOneUncrashedRun(name, topHash, "third delivery");
        assertEquals(expectedNotices, noticedTopHashes().size());
    }

    @Test
    void shouldFinishAnInterruptedRevisionBeforeWritingNewerContent() {
        // Given a run that died after its timestamp pointer, before latest
        put("run/a.txt", "a");
        crash.arm(Step.POINTER);
        assertThrows(CrashAt.Crash.class, () -> packager.run(request(false)));
        String first = pointers("lab/run").get(0);
        // When the folder changes before the retry
        put("run/b.txt", "b");
        clock.advance(Duration.ofMinutes(3));
        PackageOutcome retry = packager.run(request(false));
        // Then the interrupted revision is finished (row, notice) and the new one follows it, as two uncrashed runs
        assertEquals(PackageOutcome.Kind.CREATED, retry.kind());
        assertEquals(2, pointers("lab/run").size());
        assertTrue(pointers("lab/run").contains(first));
        assertEquals(retry.topHash(), latest("lab/run"));
        assertEquals(2, db.scalar("SELECT count(*) FROM package_revision"));
        assertEquals(List.of(first, retry.topHash()), noticedTopHashes());
        assertEquals(0, db.scalar("SELECT count(*) FROM package_write"));
    }

    @Test
    void shouldDropAnInterruptedWriteThatWroteNothing() {
        put("run/a.txt", "a");
        crash.arm(Step.OPEN_WRITE);
        assertThrows(CrashAt.Crash.class, () -> packager.run(request(false)));
        put("run/b.txt", "b");
        clock.advance(Duration.ofMinutes(3));
        PackageOutcome retry = packager.run(request(false));
        assertEquals(List.of(retry.topHash()), pointers("lab/run"));
        assertEquals(1, db.scalar("SELECT count(*) FROM package_revision"));
        assertEquals(List.of(retry.topHash()), noticedTopHashes());
        assertEquals(0, db.scalar("SELECT count(*) FROM package_write"));
    }

    @Test
    void shouldWriteANewRevisionWhenOldContentComesBack() {
        // A → B → A is three revisions, as quilt3 would write: an open write is not mistaken for history
        put("run/a.txt", "a");
        String a = packager.run(request(false)).topHash();
        clock.advance(Duration.ofMinutes(1));
        put("run/a.txt", "changed");
        packager.run(request(false));
        clock.advance(Duration.ofMinutes(1));
        put("run/a.txt", "a");
        PackageOutcome again = packager.run(request(false));
        assertEquals(PackageOutcome.Kind.CREATED, again.kind());
        assertEquals(a, again.topHash());
        assertEquals(3, pointers("lab/run").size());
        assertEquals(3, db.scalar("SELECT count(*) FROM package_revision"));
        JsonNode last = Json.parse(sns.published().get(2).message());
        assertEquals(a, last.get("top_hash").asText());
    }
}

package com.quiltdata.edp.packager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.packager.postgres.JdbcRevisionStore;
import com.quiltdata.edp.packager.s3.S3ContentHasher;
import com.quiltdata.edp.packager.s3.S3ObjectCopier;
import com.quiltdata.edp.packager.s3.S3ObjectLister;
import com.quiltdata.edp.packager.s3.S3ObjectReader;
import com.quiltdata.edp.packager.s3.S3PackageRegistry;
import com.quiltdata.edp.packager.sns.SnsNotifier;
import com.quiltdata.edp.testing.FakeSns;
import com.quiltdata.edp.testing.InProcessS3;
import com.quiltdata.edp.testing.InProcessSqs;
import com.quiltdata.edp.testing.MutableClock;
import com.quiltdata.edp.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The handler end to end: messages through ElasticMQ, objects and registry in S3Mock, revisions in
 * PostgreSQL, notifications through the real SNS client to a recording fake.
 */
class PackagerHandlerTest {
    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:edp";
    private static InProcessS3 s3mock;
    private static InProcessSqs sqs;
    private static FakeSns sns;
    private static S3Client s3;
    private static ExecutorService workers;
    private static int buckets;

    private TestDatabase db;
    private MutableClock clock;
    private PackagerHandler handler;
    private final List<String> metricLines = new ArrayList<>();
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    @BeforeAll
    static void startAll() {
        s3mock = InProcessS3.start();
        s3 = s3mock.client();
        sqs = InProcessSqs.start();
        sns = FakeSns.start();
        workers = PackagerWiring.workers(8);
    }

    @AfterAll
    static void stopAll() {
        workers.shutdownNow();
        sns.close();
        sqs.close();
        s3mock.close();
        Log.redirect(System.out, false);
    }

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.create();
        clock = MutableClock.at("2026-03-01T12:00:00Z");
        sns.clear();
        Log.redirect(new PrintStream(logs, true, StandardCharsets.UTF_8), false);
        S3ObjectReader reader = new S3ObjectReader(s3);
        S3ContentHasher hasher = new S3ContentHasher(s3, S3ContentHasher.Options.defaults());
        SnsNotifier notifier = new SnsNotifier(sns.client(), TOPIC);
        Path tmp = Files.createDirectories(Path.of("target", "packager-tmp"));
        PackagePrefix useCase = new PackagePrefix(new S3ObjectLister(s3), hasher, new S3ObjectCopier(s3, hasher), reader,
                new S3PackageRegistry(s3, reader), new JdbcRevisionStore(db.database()), notifier, workers, clock,
                Duration.ofSeconds(90), tmp);
        handler = new PackagerHandler(new PackagerWiring(useCase, notifier, clock), metricLines::add);
    }

    private static String newBucket(boolean versioned) {
        String name = "b" + (++buckets) + (versioned ? "-v" : "-u");
        s3mock.createBucket(name, versioned);
        return name;
    }

    private static void put(String bucket, String key, String content) {
        s3.putObject(r -> r.bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.SHA256),
                RequestBody.fromString(content, StandardCharsets.UTF_8));
    }

    private static String get(String bucket, String key) {
        return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String();
    }

    private static List<String> keys(String bucket, String prefix) {
        return s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }

    private SQSBatchResponse handle(String... bodies) {
        SQSEvent event = new SQSEvent();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("m" + i);
            m.setBody(bodies[i]);
            m.setAttributes(Map.of("ApproximateReceiveCount", "1"));
            records.add(m);
        }
        event.setRecords(records);
        return handler.handleRequest(event, null);
    }

    private static List<String> failed(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    private static String latest(String registry, String name) {
        return get(registry, ".quilt/named_packages/" + name + "/latest");
    }

    private static List<String> manifestLines(String registry, String name) {
        return List.of(get(registry, ".quilt/packages/" + latest(registry, name)).split("\n"));
    }

    private double metric(String name) {
        double sum = 0;
        for (String line : metricLines) {
            JsonNode node = Json.parse(line);
            if (node.has(name)) {
                sum += node.get(name).asDouble();
            }
        }
        return sum;
    }

    @Test
    void shouldWriteTheTopHashQuilt3WroteForTheSameObjects_keysWithSpacesPlusAndUnicode() {
        // Given the objects and metadata of golden vector P2 (quilt3 8.0.0) in an unversioned bucket
        String bucket = newBucket(false);
        put(bucket, "raw/my file+1.txt", "x");
        put(bucket, "raw/é/ü.txt", "y");
        // When a description asks for them, with P2's metadata
        SQSBatchResponse response = handle("{\"source_prefix\": \"s3://" + bucket + "/raw/\", \"package_name\": \"demo/pkg\","
                + " \"metadata\": {\"ratio\": 1.0, \"half\": 0.5, \"big\": 18446744073709551616, \"name\": \"Zoë\"}}");
        // Then the revision's top hash is quilt3's (physical keys are not hashed) and the layout is V1
        assertEquals(List.of(), failed(response));
        String top = latest(bucket, "demo/pkg");
        assertEquals("ca203ddb8c3831f67683abdcdb428dd788312f44ab2eb441b0bf98382ac08f7c", top);
        assertEquals(List.of(".quilt/named_packages/demo/pkg/" + clock.instant().getEpochSecond(), ".quilt/named_packages/demo/pkg/latest"),
                keys(bucket, ".quilt/named_packages/"));
        assertEquals(64, get(bucket, ".quilt/named_packages/demo/pkg/" + clock.instant().getEpochSecond()).length());
        List<String> lines = manifestLines(bucket, "demo/pkg");
        assertEquals("{\"version\": \"v0\", \"user_meta\": {\"ratio\": 1.0, \"half\": 0.5, \"big\": 18446744073709551616, \"name\": \"Zoë\"}, \"message\": null}", lines.get(0));
        assertEquals("{\"logical_key\": \"my file+1.txt\", \"physical_keys\": [\"s3://" + bucket + "/raw/my%20file%2B1.txt\"], \"size\": 1, "
                + "\"hash\": {\"type\": \"sha2-256-chunked\", \"value\": \"CjJcowPrMBTEOuAElw80NjTbF2+haXvMjJ76yUYmSI0=\"}, \"meta\": {}}", lines.get(1));
        // and the revision is recorded with ready_at = created_at + PACKAGE_READY_DELAY, and announced on SNS
        assertEquals(1, db.scalar("SELECT count(*) FROM package_revision WHERE top_hash = ? AND object_count = 2 AND total_bytes = 2"
                + " AND ready_at = created_at + interval '90 seconds' AND batch_id IS NULL", top));
        assertEquals(1, sns.published().size());
        JsonNode note = Json.parse(sns.published().get(0).message());
        assertEquals("package-created", note.get("type").asText());
        assertEquals("quilt+s3://" + bucket + "#package=demo/pkg@" + top, note.get("uri").asText());
        assertEquals(TOPIC, sns.published().get(0).topicArn());
        assertEquals(1.0, metric("PackagesCreated"));
    }

    @Test
    void shouldPinVersionsAndSkipMarkersQuiltAreaAndIgnoredFiles() {
        // Given a versioned bucket with a folder marker, an overwritten object, a deleted one and a .quiltignore
        String bucket = newBucket(true);
        s3.putObject(r -> r.bucket(bucket).key("lab/run-7/"), RequestBody.empty());
        put(bucket, "lab/run-7/a.csv", "old");
        put(bucket, "lab/run-7/a.csv", "a,b\n1,2\n");
        put(bucket, "lab/run-7/deleted.txt", "x");
        s3.deleteObject(r -> r.bucket(bucket).key("lab/run-7/deleted.txt"));
        put(bucket, "lab/run-7/debug.log", "noise");
        put(bucket, "lab/run-7/tmp/scratch.bin", "noise");
        put(bucket, "lab/run-7/sub/b.txt", "b");
        put(bucket, "lab/run-7/.quiltignore", "*.log\ntmp/\n");
        String version = s3.headObject(r -> r.bucket(bucket).key("lab/run-7/a.csv")).versionId();
        // When
        assertEquals(List.of(), failed(handle("{\"source_prefix\": \"s3://" + bucket + "/lab/run-7/\"}")));
        // Then
        List<String> lines = manifestLines(bucket, "lab/run-7");
        assertEquals("{\"version\": \"v0\", \"user_meta\": null, \"message\": null}", lines.get(0));
        List<String> logicalKeys = lines.subList(1, lines.size()).stream().map(l -> Json.parse(l).get("logical_key").asText()).toList();
        assertEquals(List.of(".quiltignore", "a.csv", "sub/b.txt"), logicalKeys);
        assertEquals("s3://" + bucket + "/lab/run-7/a.csv?versionId=" + version,
                Json.parse(lines.get(2)).get("physical_keys").get(0).asText());
    }

    @Test
    void shouldTreatTheSameContentAsUnchangedAndWriteNoNewRevision() {
        String bucket = newBucket(true);
        put(bucket, "d/x.txt", "x");
        String body = "{\"source_prefix\": \"s3://" + bucket + "/d/\", \"commit_message\": \"first\"}";
        handle(body);
        String top = latest(bucket, "package/d");
        clock.advance(Duration.ofSeconds(100));
        // When the same message comes again
        assertEquals(List.of(), failed(handle(body)));
        // Then no new pointer, no new row, no second notification; counted as unchanged
        assertEquals(2, keys(bucket, ".quilt/named_packages/").size());
        assertEquals(top, latest(bucket, "package/d"));
        assertEquals(1, db.scalar("SELECT count(*) FROM package_revision"));
        assertEquals(1, sns.published().size());
        assertEquals(1.0, metric("PackagesUnchanged"));
        // and new content makes a new revision
        put(bucket, "d/y.txt", "y");
        handle(body);
        assertFalse(top.equals(latest(bucket, "package/d")));
        assertEquals(3, keys(bucket, ".quilt/named_packages/").size());
    }

    @Test
    void shouldPackageAnEdpBatchOnceAndCarryItsBatchId() {
        String bucket = newBucket(true);
        put(bucket, "inst/exp-1/a.txt", "a");
        put(bucket, "inst/exp-1/quilt_metadata.json", "{\"project\": \"p1\", \"n\": 2.50}");
        UUID batch = UUID.randomUUID();
        String event = "{\"version\":\"0\",\"id\":\"" + UUID.randomUUID() + "\",\"detail-type\":\"package-objects-ready\","
                + "\"source\":\"com.quiltdata.edp\",\"detail\":{\"version\":\"0.1\",\"bucket\":\"" + bucket + "\","
                + "\"prefix\":\"inst/exp-1/\",\"batch_id\":\"" + batch + "\"}}";
        assertEquals(List.of(), failed(handle(event)));
        List<String> lines = manifestLines(bucket, "inst/exp-1");
        // an automatic package gets the stack's commit message, "Created by EDP" unless the stack says otherwise
        assertEquals("{\"version\": \"v0\", \"user_meta\": {\"project\": \"p1\", \"n\": 2.5, \"batch_id\": \"" + batch
                + "\"}, \"message\": \"Created by EDP\"}", lines.get(0));
        assertEquals(1, db.scalar("SELECT count(*) FROM package_revision WHERE batch_id = ?", batch));
        // the same batch again (the emitter may publish twice) changes nothing, even with new objects
        put(bucket, "inst/exp-1/b.txt", "b");
        clock.advance(Duration.ofMinutes(5));
        assertEquals(List.of(), failed(handle(event)));
        assertEquals(2, keys(bucket, ".quilt/named_packages/").size());
        assertEquals(1, db.scalar("SELECT count(*) FROM package_revision"));
    }

    @Test
    void shouldAcceptEveryInputForm() {
        String bucket = newBucket(false);
        put(bucket, "f/one/a.txt", "a");
        put(bucket, "omics-quilt/3395667/out.vcf", "v");
        put(bucket, "my/s3/folder/ro-crate-metadata.json", "{\"@context\": \"https://w3id.org/ro/crate/1.1/context\", \"name\": \"crate\"}");
        put(bucket, "my/s3/folder/data.txt", "d");
        put(bucket, "env/x/a.txt", "a");
        SQSBatchResponse response = handle(
                "{\"uri\": \"s3://" + bucket + "/f/one?owner=Zo%C3%AB&run=7\"}",
                "{\"detail-type\": \"Run Status Change\", \"source\": \"aws.omics\", \"detail\": {\"status\": \"COMPLETED\","
                        + " \"runOutputUri\": \"s3://" + bucket + "/omics-quilt/3395667\"}}",
                "{\"detail-type\": \"Object Created\", \"source\": \"aws.s3\", \"detail\": {\"bucket\": {\"name\": \"" + bucket
                        + "\"}, \"object\": {\"key\": \"my/s3/folder/ro-crate-metadata.json\"}}}",
                "{\"detail-type\": \"package-objects-request\", \"source\": \"me\", \"detail\": {\"source_prefix\": \"s3://"
                        + bucket + "/env/x/\", \"package_name\": \"env/x\", \"message\": \"via envelope\"}}");
        assertEquals(List.of(), failed(response));
        assertTrue(manifestLines(bucket, "f/one").get(0).contains("\"user_meta\": {\"owner\": \"Zoë\", \"run\": \"7\"}"));
        assertEquals(2, manifestLines(bucket, "omics-quilt/3395667").size());
        assertTrue(manifestLines(bucket, "my_s3/folder").get(0).contains("\"name\": \"crate\""));
        assertEquals(3, manifestLines(bucket, "my_s3/folder").size());
        assertTrue(manifestLines(bucket, "env/x").get(0).endsWith("\"message\": \"via envelope\"}"));
        assertEquals(4.0, metric("PackagesCreated"));
    }

    @Test
    void shouldReadMetadataFromMetadataUriRelativeToTheSourcePrefix() {
        String bucket = newBucket(true);
        put(bucket, "m/data/a.txt", "a");
        put(bucket, "m/meta.json", "{\"from\": \"uri\"}");
        assertEquals(List.of(), failed(handle("{\"source_prefix\": \"s3://" + bucket + "/m/data/x.json\","
                + " \"metadata_uri\": \"../meta.json\", \"registry\": \"" + bucket + "\"}")));
        assertTrue(manifestLines(bucket, "m/data").get(0).contains("\"user_meta\": {\"from\": \"uri\"}"));
    }

    @Test
    void shouldCopyObjectsIntoTheRegistryWhenAsked() {
        String source = newBucket(false);
        String registry = newBucket(true);
        put(source, "c/a.txt", "a");
        put(source, "c/deep/b.txt", "bb");
        assertEquals(List.of(), failed(handle("{\"source_prefix\": \"s3://" + source + "/c/\", \"registry\": \"" + registry
                + "\", \"package_name\": \"team/copied\", \"should_copy\": true}")));
        List<String> lines = manifestLines(registry, "team/copied");
        String physical = Json.parse(lines.get(1)).get("physical_keys").get(0).asText();
        assertTrue(physical.startsWith("s3://" + registry + "/team/copied/a.txt?versionId="), physical);
        assertEquals("a", get(registry, "team/copied/a.txt"));
        assertEquals("bb", get(registry, "team/copied/deep/b.txt"));
        assertTrue(keys(source, ".quilt/").isEmpty());
    }

    @Test
    void shouldValidateWorkflowsAndReportFailuresOnSns() {
        String bucket = newBucket(true);
        put(bucket, "w/a.txt", "a");
        put(bucket, ".quilt/workflows/config.yml", String.join("\n",
                "version: \"1\"",
                "is_workflow_required: false",
                "default_workflow: alpha",
                "workflows:",
                "  alpha:",
                "    name: Alpha",
                "    metadata_schema: needs-project",
                "  beta:",
                "    name: Beta",
                "    is_message_required: true",
                "schemas:",
                "  needs-project:",
                "    url: s3://" + bucket + "/.quilt/workflows/needs-project.json",
                ""));
        put(bucket, ".quilt/workflows/needs-project.json",
                "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"type\": \"object\", \"required\": [\"project\"]}");
        String configVersion = s3.headObject(r -> r.bucket(bucket).key(".quilt/workflows/config.yml")).versionId();
        // default workflow, metadata missing "project": rejected, nothing written, SNS names workflow and errors
        SQSBatchResponse r1 = handle("{\"source_prefix\": \"s3://" + bucket + "/w/\", \"metadata\": {\"other\": 1}}");
        assertEquals(List.of("m0"), failed(r1));
        assertTrue(keys(bucket, ".quilt/named_packages/").isEmpty());
        JsonNode failure = Json.parse(sns.published().get(0).message());
        assertEquals("package-failed", failure.get("type").asText());
        assertEquals("alpha", failure.get("workflow").asText());
        assertEquals("package/w", failure.get("package").asText());
        assertTrue(failure.get("reason").asText().startsWith("Metadata failed validation"), failure.toString());
        assertTrue(failure.get("errors").get(0).asText().contains("project"), failure.toString());
        // message required by beta
        assertEquals(List.of("m0"), failed(handle("{\"source_prefix\": \"s3://" + bucket + "/w/\", \"workflow\": \"beta\"}")));
        // passing: header records the workflow with version-pinned URLs
        assertEquals(List.of(), failed(handle("{\"source_prefix\": \"s3://" + bucket + "/w/\", \"metadata\": {\"project\": \"x\"}}")));
        String header = manifestLines(bucket, "package/w").get(0);
        assertTrue(header.contains("\"workflow\": {\"id\": \"alpha\", \"config\": \"s3://" + bucket
                + "/.quilt/workflows/config.yml?versionId=" + configVersion + "\", \"schemas\": {\"needs-project\": \"s3://" + bucket
                + "/.quilt/workflows/needs-project.json?versionId="), header);
        // no workflow ("") is allowed since the config does not require one
        clock.advance(Duration.ofSeconds(5));
        assertEquals(List.of(), failed(handle("{\"source_prefix\": \"s3://" + bucket + "/w/\", \"workflow\": \"\", \"message\": \"m\"}")));
        assertTrue(manifestLines(bucket, "package/w").get(0).contains("\"workflow\": {\"id\": null, \"config\": "));
    }

    @Test
    void shouldFailOnlyThePoisonMessagesOfABatchAndMoveThemToTheDlq() throws Exception {
        // Given a queue with a DLQ after 2 receives, and a batch with poison messages in the middle
        String bucket = newBucket(false);
        put(bucket, "q/one/a.txt", "a");
        put(bucket, "q/two/b.txt", "b");
        String queue = sqs.createQueueWithDlq("packager-" + bucket, 2);
        sqs.send(queue, "{\"source_prefix\": \"s3://" + bucket + "/q/one/\"}");
        sqs.send(queue, "{not json");
        sqs.send(queue, "{\"source_prefix\": \"s3://" + bucket + "/q/two/\", \"metadata\": {}, \"metadata_uri\": \"m.json\"}");
        sqs.send(queue, "{\"source_prefix\": \"s3://" + bucket + "/q/two/\", \"package_name\": \"bad name\"}");
        sqs.send(queue, "{\"source_prefix\": \"s3://" + bucket + "/q/two/\"}");
        // When the handler processes what the queue delivers, deleting only what it did not report failed
        int poisonReports = 0;
        for (int round = 0; round < 4; round++) {
            List<Message> messages = new ArrayList<>();
            for (int tries = 0; tries < 3 && messages.size() < 5; tries++) {
                messages.addAll(sqs.receive(queue));
            }
            if (messages.isEmpty()) {
                break;
            }
            SQSBatchResponse response = handler.handleRequest(event(messages), null);
            List<String> failed = failed(response);
            poisonReports += failed.size();
            for (Message m : messages) {
                if (!failed.contains(m.messageId())) {
                    sqs.delete(queue, m);
                }
            }
        }
        // Then both good packages exist and the three poison messages are in the DLQ
        assertEquals(2, manifestLines(bucket, "q/one").size());
        assertEquals(2, manifestLines(bucket, "q/two").size());
        List<Message> dead = new ArrayList<>();
        for (int tries = 0; tries < 5 && dead.size() < 3; tries++) {
            dead.addAll(sqs.receive(sqs.queueUrl("packager-" + bucket + "-dlq")));
        }
        assertEquals(3, dead.size());
        assertTrue(poisonReports >= 6, "each poison message failed on each receive: " + poisonReports);
        // and each was reported on SNS once (first receive), with a reason
        List<String> reasons = sns.published().stream().map(p -> Json.parse(p.message()))
                .filter(n -> n.get("type").asText().equals("package-failed")).map(n -> n.get("reason").asText()).toList();
        assertEquals(3, reasons.size(), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("mutually exclusive")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("Invalid package name: bad name")), reasons.toString());
        assertTrue(logs.toString(StandardCharsets.UTF_8).contains("\"level\":\"ERROR\""));
    }

    private static SQSEvent event(List<Message> messages) {
        SQSEvent event = new SQSEvent();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
            r.setMessageId(m.messageId());
            r.setBody(m.body());
            Map<String, String> attributes = new HashMap<>();
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            attributes.putIfAbsent("ApproximateReceiveCount", m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
            r.setAttributes(attributes);
            records.add(r);
        }
        event.setRecords(records);
        return event;
    }

    @Test
    void shouldRetryTransientFailuresWithoutNotifying() {
        // a bucket that does not exist yet: NoSuchBucket is rejected; an S3 outage would be retried
        SQSBatchResponse response = handle("{\"source_prefix\": \"s3://no-such-bucket-here/x/\"}");
        assertEquals(List.of("m0"), failed(response));
        assertEquals(1.0, metric("PackagesFailed"));
    }

    @Test
    void shouldPackageTheFolderOfTheObjectAUriNames() {
        // Given the object the Packaging Service's S3 rule example sends as {"uri": "s3://<bucketName>/<objectKey>"}
        String bucket = newBucket(false);
        put(bucket, "in/run-1/manifest.json", "{}");
        put(bucket, "in/run-1/data.csv", "a,b");
        put(bucket, "in/run-2/data/x.csv", "x");
        // When the uri names that object, and another names a folder without its trailing slash
        SQSBatchResponse response = handle("{\"uri\": \"s3://" + bucket + "/in/run-1/manifest.json\"}",
                "{\"uri\": \"s3://" + bucket + "/in/run-2/data\"}");
        // Then the object's folder is packaged under its folder's name, and the folder is packaged as itself
        assertEquals(List.of(), failed(response));
        assertEquals(3, manifestLines(bucket, "in/run-1").size());
        assertEquals(2, manifestLines(bucket, "in_run-2/data").size());
        assertEquals(List.of(".quilt/named_packages/in/run-1/", ".quilt/named_packages/in_run-2/data/"),
                keys(bucket, ".quilt/named_packages/").stream().map(k -> k.substring(0, k.lastIndexOf('/') + 1)).distinct().toList());
    }

    @Test
    void shouldLetSourcePrefixWinOverAUriNamingAnotherBucket() {
        String mine = newBucket(false);
        String other = newBucket(false);
        put(mine, "s/a.txt", "a");
        put(other, "s/b.txt", "b");
        assertEquals(List.of(), failed(handle("{\"source_prefix\": \"s3://" + mine + "/s/\", \"uri\": \"s3://" + other + "/s/b.txt\"}")));
        assertEquals(2, manifestLines(mine, "package/s").size());
        assertTrue(keys(other, ".quilt/").isEmpty());
    }

    @Test
    void shouldRejectASourceThatListsNothingUnlessAnEmptyPackageIsAskedFor() {
        String bucket = newBucket(true);
        put(bucket, "real/a.txt", "a");
        // a folder that does not exist, and one whose only object the .quiltignore drops
        put(bucket, "ignored/.quiltignore", "*\n");
        SQSBatchResponse response = handle("{\"source_prefix\": \"s3://" + bucket + "/typo/\"}",
                "{\"uri\": \"s3://" + bucket + "/typo/x.json\"}",
                "{\"source_prefix\": \"s3://" + bucket + "/ignored/\"}",
                "{\"source_prefix\": \"s3://" + bucket + "/real/../real/\"}");
        assertEquals(List.of("m0", "m1", "m2", "m3"), failed(response));
        assertTrue(keys(bucket, ".quilt/").isEmpty());
        assertEquals(0, db.scalar("SELECT count(*) FROM package_revision"));
        List<String> reasons = sns.published().stream().map(p -> Json.parse(p.message()))
                .filter(n -> n.get("type").asText().equals("package-failed")).map(n -> n.get("reason").asText()).toList();
        assertEquals(4, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).startsWith("s3://" + bucket + "/typo/ lists no objects"), reasons.get(0));
        assertTrue(reasons.get(0).contains("\"allow_empty\": true"), reasons.get(0));
        assertTrue(reasons.get(1).startsWith("s3://" + bucket + "/typo/x.json/ lists no objects"), reasons.get(1));
        assertTrue(reasons.get(2).startsWith("all 1 objects under s3://" + bucket + "/ignored/ were skipped or ignored"), reasons.get(2));
        assertTrue(reasons.get(3).contains("'..' segment"), reasons.get(3));
        // When the description asks for an empty package, it gets one
        assertEquals(List.of(), failed(handle("{\"source_prefix\": \"s3://" + bucket + "/typo/\", \"package_name\": \"x/empty\","
                + " \"allow_empty\": true}")));
        assertEquals(1, manifestLines(bucket, "x/empty").size());
        assertEquals(1, db.scalar("SELECT count(*) FROM package_revision WHERE object_count = 0"));
    }

    @Test
    void shouldAcknowledgeAnEdpBatchWhoseObjectsWereAllDeleted() {
        String bucket = newBucket(true);
        put(bucket, "gone/a.txt", "a");
        s3.deleteObject(r -> r.bucket(bucket).key("gone/a.txt"));
        String event = "{\"version\":\"0\",\"id\":\"e\",\"detail-type\":\"package-objects-ready\",\"source\":\"com.quiltdata.edp\","
                + "\"detail\":{\"version\":\"0.1\",\"bucket\":\"" + bucket + "\",\"prefix\":\"gone/\",\"batch_id\":\"" + UUID.randomUUID() + "\"}}";
        assertEquals(List.of(), failed(handle(event)));
        assertTrue(keys(bucket, ".quilt/").isEmpty());
        assertEquals(0, sns.published().size());
        assertEquals(1.0, metric("PackagesUnchanged"));
    }
}

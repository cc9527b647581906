package com.quiltdata.edp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import com.quiltdata.edp.packager.domain.ParsedMessage;
import com.quiltdata.edp.packager.domain.RequestParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * template.yaml deploys: SAM expanded offline, created with CreateStack on a local moto server, it
 * reaches CREATE_COMPLETE with the documented outputs, and its rules route a bucket's S3 events and
 * the EDP bus's package-objects-ready events into the right queues.
 */
class TemplateDeploysOnMotoTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> OUTPUTS = List.of("PackagerQueueUrl", "PackagerQueueArn", "EventBusArn", "TopicArn", "DashboardUrl");
    private static MotoServer moto;

    @BeforeAll
    static void startMoto() {
        assumeTrue(Python.withModule("cfnlint"),
                "cfn-lint (its SAM translator expands the template) is not installed in " + Python.INTERPRETER
                        + "; skipping (pip install cfn-lint \"moto[server]\" to run this test)");
        assumeTrue(MotoServer.available(), MotoServer.unavailableMessage());
        moto = MotoServer.start();
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void templateWithDefaultParametersReachesCreateCompleteWithItsOutputs() {
        // When the stack is created with only the required parameters
        EdpStack.Deployment stack = EdpStack.deploy(moto, "edp-defaults", Map.of("BucketName", "edp-defaults-data"));

        // Then every documented output is there and points at what it names
        for (String output : OUTPUTS) {
            assertTrue(stack.outputs().containsKey(output), "missing output " + output + " in " + stack.outputs());
        }
        assertTrue(stack.output("PackagerQueueUrl").endsWith("/" + MotoServer.ACCOUNT + "/" + queueName(stack.output("PackagerQueueArn"))),
                stack.output("PackagerQueueUrl") + " is not the URL of " + stack.output("PackagerQueueArn"));
        assertTrue(stack.output("PackagerQueueArn").startsWith("arn:aws:sqs:us-east-1:" + MotoServer.ACCOUNT + ":"), stack.output("PackagerQueueArn"));
        assertEquals("arn:aws:events:us-east-1:" + MotoServer.ACCOUNT + ":event-bus/edp-defaults-bus", stack.output("EventBusArn"));
        assertTrue(stack.output("TopicArn").startsWith("arn:aws:sns:us-east-1:" + MotoServer.ACCOUNT + ":"), stack.output("TopicArn"));
        assertEquals("https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=edp-defaults-edp",
                stack.output("DashboardUrl"));

        // and its dashboard names no processor resource (there is none) and leaves no variable unresolved
        String dashboard = dashboardBody("edp-defaults-edp");
        assertTrue(dashboard.contains("\"QueueName\", \"no-processor\"") && dashboard.contains("\"FunctionName\", \"no-processor\""),
                "the processor's series name nothing without it");
        assertEquals(5, dashboard.split("SOURCE '", -1).length - 1, "the four functions' log groups and emit's again: " + dashboard);
        assertTrue(!dashboard.contains("${"), dashboard);

        // and the only changes made for moto are the documented ones
        Set<String> kinds = stack.compatibilityChanges().stream()
                .map(change -> change.substring(change.indexOf('(') + 1)).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(Set.of("moto has no AWS::Lambda::Alias)", "moto cannot Ref a stack's own DB parameter group)",
                "moto cannot deliver EventBridge events to SNS or Lambda)", "moto has no RDS-managed master user secret)",
                "moto cannot invoke an image function from an SQS event source)").containsAll(kinds), "unexpected rewrites: " + stack.compatibilityChanges());
    }

    @Test
    void bucketEventsReachTheIngestQueueAndOtherBucketsDoNot() throws Exception {
        // Given a stack watching one bucket, and that bucket and another sending events to EventBridge
        EdpStack.Deployment stack = EdpStack.deploy(moto, "edp-routing", Map.of("BucketName", "edp-routing-data"));
        try (S3Client s3 = moto.s3(); SqsClient sqs = moto.client(SqsClient.builder())) {
            for (String bucket : List.of("edp-routing-data", "edp-routing-other")) {
                s3.createBucket(b -> b.bucket(bucket));
                moto.enableEventBridgeNotifications(bucket);
            }

            // When objects are written to both and one is deleted
            s3.putObject(b -> b.bucket("edp-routing-data").key("lab/run-7/a.csv"), RequestBody.fromString("a"));
            s3.putObject(b -> b.bucket("edp-routing-other").key("lab/run-7/b.csv"), RequestBody.fromString("b"));
            s3.deleteObject(b -> b.bucket("edp-routing-data").key("lab/run-7/a.csv"));

            // Then the ingest queue holds the watched bucket's Object Created and Object Deleted events, only
            List<JsonNode> events = receive(sqs, stack.output("IngestQueueUrl"), 2);
            List<String> seen = new ArrayList<>();
            for (JsonNode event : events) {
                seen.add(event.path("detail-type").asText() + " " + event.path("detail").path("bucket").path("name").asText()
                        + "/" + event.path("detail").path("object").path("key").asText());
            }
            assertEquals(List.of("Object Created edp-routing-data/lab/run-7/a.csv", "Object Deleted edp-routing-data/lab/run-7/a.csv"),
                    seen.stream().sorted().toList());
        }
    }

    @Test
    void oneStackWatchesSeveralBucketsAndNoOthers() throws Exception {
        // Given one stack for two buckets, with a rules file (its read policy is deployed too)
        EdpStack.Deployment stack = EdpStack.deploy(moto, "edp-multi", Map.of(
                "BucketName", "edp-multi-raw,edp-multi-instruments", "BucketRulesUri", "s3://edp-multi-config/edp/rules.json"));
        try (S3Client s3 = moto.s3(); SqsClient sqs = moto.client(SqsClient.builder())) {
            for (String bucket : List.of("edp-multi-raw", "edp-multi-instruments", "edp-multi-other")) {
                s3.createBucket(b -> b.bucket(bucket));
                moto.enableEventBridgeNotifications(bucket);
            }

            // When the same key is written to both watched buckets and to a third
            for (String bucket : List.of("edp-multi-raw", "edp-multi-instruments", "edp-multi-other")) {
                s3.putObject(b -> b.bucket(bucket).key("lab/run-7/a.csv"), RequestBody.fromString(bucket));
            }

            // Then the one ingest queue holds the events of the two watched buckets only
            List<String> seen = receive(sqs, stack.output("IngestQueueUrl"), 2).stream()
                    .map(event -> event.path("detail").path("bucket").path("name").asText() + "/" + event.path("detail").path("object").path("key").asText())
                    .sorted().toList();
            assertEquals(List.of("edp-multi-instruments/lab/run-7/a.csv", "edp-multi-raw/lab/run-7/a.csv"), seen);
        }
    }

    @Test
    void onlyTheWatchedPrefixesReachTheIngestQueue() throws Exception {
        // Given a stack watching two prefixes of its bucket
        EdpStack.Deployment stack = EdpStack.deploy(moto, "edp-watch", Map.of(
                "BucketName", "edp-watch-data", "BucketWatchPrefixes", "lab/,instruments/seq-1/"));
        try (S3Client s3 = moto.s3(); SqsClient sqs = moto.client(SqsClient.builder())) {
            s3.createBucket(b -> b.bucket("edp-watch-data"));
            moto.enableEventBridgeNotifications("edp-watch-data");

            // When objects are written under both, under neither, and under a look-alike of one
            for (String key : List.of("lab/run-7/a.csv", "instruments/seq-1/b.bcl", "instruments/seq-2/c.bcl", "scratch/d.tmp", "labs/e.csv")) {
                s3.putObject(b -> b.bucket("edp-watch-data").key(key), RequestBody.fromString(key));
            }

            // Then only the watched prefixes' events are delivered
            List<String> keys = receive(sqs, stack.output("IngestQueueUrl"), 2).stream()
                    .map(event -> event.path("detail").path("object").path("key").asText()).sorted().toList();
            assertEquals(List.of("instruments/seq-1/b.bcl", "lab/run-7/a.csv"), keys);
        }
    }

    @Test
    void revisionPointersOfTheMonitoredBucketAndTheRegistryReachThePackagerQueue() throws Exception {
        // Given a stack whose automatic packages go to another registry, and three buckets sending events
        EdpStack.Deployment stack = EdpStack.deploy(moto, "edp-pointers", Map.of(
                "BucketName", "edp-pointers-data", "PackageRegistry", "edp-pointers-processed"));
        try (S3Client s3 = moto.s3(); SqsClient sqs = moto.client(SqsClient.builder())) {
            for (String bucket : List.of("edp-pointers-data", "edp-pointers-processed", "edp-pointers-other")) {
                s3.createBucket(b -> b.bucket(bucket));
                moto.enableEventBridgeNotifications(bucket);
            }
            String top = "c".repeat(64);
            // moto runs a queue's event source mapping on each message it receives, and with no Docker to run
            // the function it can take the first message with it: switch the packager's mapping off here
            int switchedOff = 0;
            for (JsonNode mapping : MAPPER.readTree(moto.lambdaApi("GET", "/2015-03-31/event-source-mappings/", null)).path("EventSourceMappings")) {
                if (mapping.path("EventSourceArn").asText().equals(stack.output("PackagerQueueArn"))) {
                    moto.lambdaApi("PUT", "/2015-03-31/event-source-mappings/" + mapping.path("UUID").asText(), "{\"Enabled\": false}");
                    switchedOff++;
                }
            }
            assertEquals(1, switchedOff, "the packager's event source mapping");

            // When quilt3 pushes a revision to each (manifest, timestamp pointer, latest), and a data file arrives
            for (String bucket : List.of("edp-pointers-data", "edp-pointers-processed", "edp-pointers-other")) {
                s3.putObject(b -> b.bucket(bucket).key(".quilt/packages/" + top), RequestBody.fromString("{\"version\": \"v0\"}\n"));
                s3.putObject(b -> b.bucket(bucket).key(".quilt/named_packages/lab/run-7/1700000000"), RequestBody.fromString(top));
                s3.putObject(b -> b.bucket(bucket).key(".quilt/named_packages/lab/run-7/latest"), RequestBody.fromString(top));
            }
            s3.putObject(b -> b.bucket("edp-pointers-data").key("lab/run-7/a.csv"), RequestBody.fromString("a"));

            // Then the packager queue holds the pointer events of the monitored bucket and the registry only
            List<JsonNode> received = receive(sqs, stack.output("PackagerQueueUrl"), 4);
            List<String> seen = new ArrayList<>();
            for (JsonNode event : received) {
                seen.add(event.path("detail").path("bucket").path("name").asText() + "/" + event.path("detail").path("object").path("key").asText());
            }
            assertEquals(List.of("edp-pointers-data/.quilt/named_packages/lab/run-7/1700000000", "edp-pointers-data/.quilt/named_packages/lab/run-7/latest",
                    "edp-pointers-processed/.quilt/named_packages/lab/run-7/1700000000", "edp-pointers-processed/.quilt/named_packages/lab/run-7/latest"),
                    seen.stream().sorted().toList());
            // and the packager reads each timestamp pointer as a revision to record, each latest as nothing to do
            for (JsonNode event : received) {
                ParsedMessage parsed = RequestParser.parse(event.toString());
                boolean timestamp = event.path("detail").path("object").path("key").asText().endsWith("/1700000000");
                assertEquals(timestamp, parsed.pointer().isPresent(), event.toString());
                assertTrue(parsed.request().isEmpty(), event.toString());
            }
        }
    }

    @Test
    void aUsersOwnRuleWithAnInputTransformerReachesThePackagerQueue() throws Exception {
        // Given a deployed stack, and the docs' recipe: the user's own rule on the default bus turning
        // each manifest.json written under incoming/ into {"uri": ...} for the packager queue
        EdpStack.Deployment stack = EdpStack.deploy(moto, "edp-recipe", Map.of("BucketName", "edp-recipe-data"));
        try (SqsClient sqs = moto.client(SqsClient.builder()); EventBridgeClient events = moto.client(EventBridgeClient.builder())) {
            events.putRule(b -> b.name("my-manifests-to-edp").eventPattern("""
                    {"source": ["aws.s3"], "detail-type": ["Object Created"],
                     "detail": {"bucket": {"name": ["edp-recipe-data"]},
                                "object": {"key": [{"prefix": "incoming/"}]}}}"""));
            assertEquals(0, events.putTargets(b -> b.rule("my-manifests-to-edp").targets(t -> t.id("edp-packager")
                    .arn(stack.output("PackagerQueueArn"))
                    .inputTransformer(i -> i.inputPathsMap(Map.of("bucketName", "$.detail.bucket.name", "objectKey", "$.detail.object.key"))
                            .inputTemplate("{\"detail-type\": \"package-object-request\", \"detail\": {\"uri\": \"s3://<bucketName>/<objectKey>\"}}"))))
                    .failedEntryCount());

            // When a manifest arrives under incoming/ (put as S3 would send it: moto 5.2 skips input
            // transformers for the events its own S3 sends, but applies them to PutEvents)
            PutEventsResponse put = events.putEvents(b -> b.entries(e -> e.source("aws.s3").detailType("Object Created")
                    .detail("{\"version\":\"0\",\"bucket\":{\"name\":\"edp-recipe-data\"},"
                            + "\"object\":{\"key\":\"incoming/run-9/manifest.json\",\"size\":2},\"reason\":\"PutObject\"}")));
            assertEquals(0, put.failedEntryCount());

            // Then the packager queue holds the transformed request, and the packager reads it as a uri request
            List<JsonNode> received = receive(sqs, stack.output("PackagerQueueUrl"), 1);
            assertEquals(1, received.size(), "packager queue: " + received);
            assertEquals("s3://edp-recipe-data/incoming/run-9/manifest.json", received.get(0).path("detail").path("uri").asText(), received.toString());
            ParsedMessage parsed = RequestParser.parse(received.get(0).toString());
            assertEquals("edp-recipe-data", parsed.request().orElseThrow().bucket());
        }
    }

    @Test
    void packageObjectsReadyOnTheEdpBusReachesThePackagerQueueUnchanged() throws Exception {
        // Given a deployed stack
        EdpStack.Deployment stack = EdpStack.deploy(moto, "edp-bus", Map.of("BucketName", "edp-bus-data"));
        String detail = "{\"version\":\"0.1\",\"bucket\":\"edp-bus-data\",\"prefix\":\"lab/run-7/\",\"batch_id\":\"b-1\",\"object_count\":3}";
        try (EventBridgeClient events = moto.client(EventBridgeClient.builder()); SqsClient sqs = moto.client(SqsClient.builder())) {
            // When the emitter publishes package-objects-ready, and something else publishes another detail-type
            PutEventsResponse put = events.putEvents(b -> b.entries(
                    e -> e.eventBusName("edp-bus-bus").source("com.quiltdata.edp").detailType("package-objects-ready").detail(detail),
                    e -> e.eventBusName("edp-bus-bus").source("com.quiltdata.edp").detailType("package-ready")
                            .detail("{\"version\":\"0.1\",\"package-name\":\"lab/run-7\",\"bucket\":\"edp-bus-data\",\"top_hash\":\"abc\"}")));
            assertEquals(0, put.failedEntryCount());

            // Then the packager queue receives the package-objects-ready envelope with its detail intact, and nothing else
            List<JsonNode> received = receive(sqs, stack.output("PackagerQueueUrl"), 1);
            assertEquals(1, received.size(), "packager queue: " + received);
            assertEquals("package-objects-ready", received.get(0).path("detail-type").asText());
            assertEquals(MAPPER.readTree(detail), received.get(0).path("detail"));
        }
    }

    @Test
    void aReadyBatchReachesTheProcessorQueueAndThePackagerQueueBoth() throws Exception {
        // Given a stack with the batch processor
        EdpStack.Deployment stack = EdpStack.deploy(moto, "edp-proc", Map.of("BucketName", "edp-proc-data",
                "ProcessorImageUri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/edp-processor-lab@sha256:" + "0".repeat(64)));
        String detail = "{\"version\":\"0.1\",\"bucket\":\"edp-proc-data\",\"prefix\":\"lab/run-7/\",\"batch_id\":\"b-1\",\"object_count\":3}";
        try (EventBridgeClient events = moto.client(EventBridgeClient.builder()); SqsClient sqs = moto.client(SqsClient.builder())) {
            // When emit publishes package-objects-ready
            assertEquals(0, events.putEvents(b -> b.entries(e -> e.eventBusName("edp-proc-bus").source("com.quiltdata.edp")
                    .detailType("package-objects-ready").detail(detail))).failedEntryCount());

            // Then the processor's queue and the packager's queue each hold it
            for (String queue : List.of("ProcessorQueueUrl", "PackagerQueueUrl")) {
                List<JsonNode> received = receive(sqs, stack.output(queue), 1);
                assertEquals(1, received.size(), queue + ": " + received);
                assertEquals(MAPPER.readTree(detail), received.get(0).path("detail"), queue);
            }
        }
        assertTrue(stack.outputs().containsKey("ProcessorDeadLetterQueueUrl"), "outputs: " + stack.outputs());

        // And the dashboard's processor series name its queue, dead-letter queue and log group (ADR 0315)
        String dashboard = dashboardBody("edp-proc-edp");
        for (String queue : List.of("ProcessorQueueUrl", "ProcessorDeadLetterQueueUrl")) {
            String name = stack.output(queue).substring(stack.output(queue).lastIndexOf('/') + 1);
            assertTrue(dashboard.contains("\"QueueName\", \"" + name + "\""), queue + " " + name + " is not on the dashboard");
        }
        assertTrue(!dashboard.contains("no-processor") && !dashboard.contains("${"), dashboard);
        // (the four functions' and the processor's log groups in the warnings panel, emit's in the announcements panel)
        assertEquals(6, dashboard.split("SOURCE '", -1).length - 1, "the log panel reads the processor's log group too");
    }

    /** The body moto's CloudWatch holds for a dashboard the stack created. */
    private static String dashboardBody(String name) {
        try (CloudWatchClient cloudwatch = moto.client(CloudWatchClient.builder())) {
            return cloudwatch.getDashboard(b -> b.dashboardName(name)).dashboardBody();
        }
    }

    @Test
    void everyOptionalFeatureDeploysTogether() {
        // When the stack is created with forwarding to three buses, a File Gateway share and an alarm e-mail
        String forwards = "arn:aws:events:us-east-1:111122223333:event-bus/one,"
                + "arn:aws:events:us-east-1:111122223333:event-bus/two,"
                + "arn:aws:events:eu-west-1:444455556666:event-bus/three";
        EdpStack.Deployment stack = EdpStack.deploy(moto, "edp-options", Map.ofEntries(
                Map.entry("BucketName", "edp-options-data"),
                Map.entry("ForwardEventBusArns", forwards),
                Map.entry("FileGatewayShareArn", "arn:aws:storagegateway:us-east-1:111122223333:share/share-ABC12345"),
                Map.entry("AlarmEmail", "data-team@example.com"),
                Map.entry("BucketIgnorePrefixes", "raw/**,*.tmp"),
                Map.entry("BucketReadyFilter", "all(.[]; .size > 0)"),
                Map.entry("PackageOmicsRuns", "true"),
                Map.entry("OmicsOutputBucket", "edp-options-omics"),
                Map.entry("PackageRoCrates", "true"),
                Map.entry("PackageRegistry", "edp-options-processed"),
                Map.entry("ExtraRegistries", "edp-options-archive,edp-options-shared"),
                Map.entry("BucketRulesUri", "s3://edp-options-config/edp/rules.json"),
                Map.entry("ProcessorImageUri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/edp-processor-lab:1"),
                Map.entry("ProcessorTargetBucket", "edp-options-outputs")));

        // Then the EDP bus carries the packager, notification and three forwarding rules, each forwarding to its bus
        try (EventBridgeClient events = moto.client(EventBridgeClient.builder())) {
            List<String> rules = events.listRules(b -> b.eventBusName("edp-options-bus")).rules().stream().map(Rule::name).sorted().toList();
            assertEquals(List.of("edp-forward-1", "edp-forward-2", "edp-forward-3", "edp-notifications", "edp-options-processor",
                    "package-objects-ready"), rules);
            // the batch processor's rule sends ready batches to its own queue
            List<String> processorTargets = events.listTargetsByRule(b -> b.rule("edp-options-processor").eventBusName("edp-options-bus")).targets()
                    .stream().map(software.amazon.awssdk.services.eventbridge.model.Target::arn).toList();
            assertEquals(1, processorTargets.size());
            assertTrue(stack.output("ProcessorQueueUrl").endsWith("/" + queueName(processorTargets.get(0))),
                    stack.output("ProcessorQueueUrl") + " vs " + processorTargets);
            List<String> forwardedTo = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                int n = i;
                events.listTargetsByRule(b -> b.rule("edp-forward-" + n).eventBusName("edp-options-bus")).targets()
                        .forEach(t -> forwardedTo.add(t.arn()));
            }
            assertEquals(List.of(forwards.split(",")), forwardedTo);

            // and the default bus carries the opt-in HealthOmics and RO-Crate rules, both to the packager queue
            List<String> defaultBus = events.listRules(b -> b.eventBusName("default")).rules().stream().map(Rule::name)
                    .filter(name -> name.endsWith("-omics-runs") || name.endsWith("-ro-crates")).sorted().toList();
            assertEquals(List.of("edp-options-omics-runs", "edp-options-ro-crates"), defaultBus);
            for (String rule : defaultBus) {
                assertEquals(List.of(stack.output("PackagerQueueArn")), events.listTargetsByRule(b -> b.rule(rule)).targets().stream()
                        .map(software.amazon.awssdk.services.eventbridge.model.Target::arn).toList(), rule);
            }
        }
        assertTrue(stack.outputs().keySet().containsAll(OUTPUTS), "outputs: " + stack.outputs());
    }

    @Test
    void anyPasswordRdsAcceptsDeploys() {
        // DBPassword no longer reaches a secret or the database (RDS owns the password), so a backslash,
        // quotes or braces cannot break a JSON document or a dynamic reference
        EdpStack.Deployment stack = EdpStack.deploy(moto, "edp-password", Map.of(
                "BucketName", "edp-password-data", "DBPassword", "a\\b\"c'd{e}f%g$h-0123456789"));
        assertTrue(stack.outputs().containsKey("DatabaseEndpoint"), "outputs: " + stack.outputs());
    }

    private static String queueName(String arn) {
        return arn.substring(arn.lastIndexOf(':') + 1);
    }

    /** Receives until {@code expected} messages arrived or five seconds passed; a short extra poll catches surplus ones. */
    private static List<JsonNode> receive(SqsClient sqs, String queueUrl, int expected) throws Exception {
        List<JsonNode> bodies = new ArrayList<>();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(5));
        while (Instant.now().isBefore(deadline)) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            for (Message message : messages) {
                bodies.add(MAPPER.readTree(message.body()));
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
            if (bodies.size() >= expected && messages.isEmpty()) {
                break;
            }
        }
        return bodies;
    }
}

package com.quiltdata.edp.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.config.BucketSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.it.CloudFormationTemplate;
import com.quiltdata.edp.it.MotoServer;
import com.quiltdata.edp.it.ProcessorImage;
import com.quiltdata.edp.it.Repository;
import com.quiltdata.edp.it.pipeline.EventRouter;
import com.quiltdata.edp.it.pipeline.FunctionEnvironment;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.store.ObjectEventRecorder;
import com.quiltdata.edp.store.StoreWiring;
import com.quiltdata.edp.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Each function of {@code template.yaml}, from its shaded jar and with its handler string, started
 * by the Lambda runtime interface client in a JVM of its own, as the managed Java runtime starts it,
 * and fed events as Lambda delivers them: the runtime's own JSON-to-{@code SQSEvent} conversion and
 * its serialization of our answers are what is under test. Each test prints the function's jar size
 * and the time from JVM start to its first answer.
 */
class FunctionsUnderRuntimeClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(120);
    private static final String BUCKET = "edp-demo-bucket";
    private static final String SAMPLE_PUT = "samples/events/s3-object-created-put.json";

    private static final CloudFormationTemplate TEMPLATE = CloudFormationTemplate.edp();
    private TestDatabase db;

    @BeforeEach
    void database() {
        db = TestDatabase.create();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void storeAnswersOnlyThePoisonMessageAsAFailureAndStoresTheRest() throws Exception {
        Map<String, String> params = Map.of("BucketName", BUCKET);
        try (RuntimeApi api = new RuntimeApi(arn("StoreFunction"));
                LambdaProcess store = start("StoreFunction", params, Map.of(), api)) {
            String event = sqsEvent("ingest", List.of(
                    message("m-good", Repository.read(SAMPLE_PUT), 1),
                    message("m-poison", "{\"detail-type\": \"Object Created\", \"detail\": ", 1)));
            RuntimeApi.Answer first = api.invoke(event, ANSWER_TIMEOUT);
            report("StoreFunction", store);
            assertAnswer(store, first, "{\"batchItemFailures\":[{\"itemIdentifier\":\"m-poison\"}]}");
            assertEquals(1, db.scalar("SELECT count(*) FROM object_event WHERE object_key = ?", "lab/run-7/raw/reads_1.fastq.gz"),
                    "the valid message of the batch is stored");

            String redelivered = sqsEvent("ingest", List.of(message("m-again", Repository.read(SAMPLE_PUT), 2)));
            assertAnswer(store, api.invoke(redelivered, ANSWER_TIMEOUT), "{\"batchItemFailures\":[]}");
            assertEquals(1, db.scalar("SELECT count(*) FROM object_event WHERE object_key = ?", "lab/run-7/raw/reads_1.fastq.gz"),
                    "a redelivery is recorded once");
        }
    }

    @Test
    void migrationAnswersCloudFormationAndTheRuntime() throws Exception {
        try (RuntimeApi api = new RuntimeApi(arn("MigrateFunction"));
                LambdaProcess migrate = start("MigrateFunction", Map.of(), Map.of(), api)) {
            ObjectNode request = JSON.createObjectNode()
                    .put("RequestType", "Create")
                    .put("ResponseURL", api.cfnResponseUrl("schema"))
                    .put("StackId", "arn:aws:cloudformation:us-east-1:" + MotoServer.ACCOUNT + ":stack/edp/1")
                    .put("RequestId", "r-1")
                    .put("ResourceType", "Custom::DatabaseMigration")
                    .put("LogicalResourceId", "DatabaseMigration");
            RuntimeApi.Answer answer = api.invoke(request.toString(), ANSWER_TIMEOUT);
            report("MigrateFunction", migrate);
            assertEquals("response", answer.kind(), () -> answer.body() + "\n" + migrate.output());
            JsonNode toCloudFormation = JSON.readTree(api.awaitCfnResponse("schema", ANSWER_TIMEOUT));
            assertEquals("SUCCESS", toCloudFormation.path("Status").asText(), toCloudFormation::toString);
            assertEquals("edp-database-schema", toCloudFormation.path("PhysicalResourceId").asText());
            assertEquals("r-1", toCloudFormation.path("RequestId").asText());
            assertEquals(toCloudFormation, JSON.readTree(answer.body()), "the function returns what it sent CloudFormation");
        }
    }

    @Test
    void emitPublishesAReadyBatchToTheBusAndAnswersItsSummary() throws Exception {
        assumeTrue(MotoServer.available(), MotoServer::unavailableMessage);
        // one tick per invocation: at the default period the invocation would tick through its whole minute
        Map<String, String> params = Map.of("BucketName", BUCKET, "BucketThresholdEventCount", "1", "EmitTickSeconds", "60");
        Map<String, String> values = EventRouter.parameterValues(TEMPLATE, params);
        try (MotoServer moto = MotoServer.start();
                EventBridgeClient events = moto.client(EventBridgeClient.builder())) {
            events.createEventBus(b -> b.name(values.get("EventBusName")));
            recordInProcess(params, "emit-lab", "lab/run-9/a.csv");
            try (RuntimeApi api = new RuntimeApi(arn("EmitFunction"));
                    LambdaProcess emit = start("EmitFunction", params, moto(moto), api)) {
                RuntimeApi.Answer answer = api.invoke(Repository.read("samples/events/emit-schedule-tick.json"), ANSWER_TIMEOUT);
                report("EmitFunction", emit);
                assertEquals("response", answer.kind(), () -> answer.body() + "\n" + emit.output());
                JsonNode summary = JSON.readTree(answer.body());
                assertEquals(1, summary.path("emitted").asInt(), () -> "one ready batch published: " + summary);
                assertEquals(0, summary.path("publish_failures").asInt(), summary::toString);
                assertEquals(1L, db.scalar("SELECT count(*) FROM batch WHERE prefix = ? AND emitted_at IS NOT NULL", "lab/run-9/"),
                        "the published batch is marked");
            }
        }
    }

    @Test
    void packagerPackagesTheGoodDescriptionAndReturnsOnlyTheUnreadableOne() throws Exception {
        assumeTrue(MotoServer.available(), MotoServer::unavailableMessage);
        try (MotoServer moto = MotoServer.start(); S3Client s3 = moto.s3(); SnsClient sns = moto.client(SnsClient.builder())) {
            s3.createBucket(b -> b.bucket(BUCKET));
            s3.putObject(b -> b.bucket(BUCKET).key("lab/run-7/a.csv"), RequestBody.fromString("x,y\n1,2\n"));
            s3.putObject(b -> b.bucket(BUCKET).key("lab/run-7/b.txt"), RequestBody.fromString("hello"));
            String topicArn = sns.createTopic(b -> b.name("edp-notifications")).topicArn();
            try (RuntimeApi api = new RuntimeApi(arn("PackagerFunction"));
                    LambdaProcess packager = start("PackagerFunction", Map.of(), withTopic(moto(moto), topicArn), api)) {
                String description = "{\"source_prefix\": \"s3://" + BUCKET + "/lab/run-7/\", \"package_name\": \"lab/run-7\", "
                        + "\"commit_message\": \"run 7\"}";
                String event = sqsEvent("packager", List.of(message("m-good", description, 1), message("m-poison", "{\"source_prefix\": ", 1)));
                RuntimeApi.Answer answer = api.invoke(event, ANSWER_TIMEOUT);
                report("PackagerFunction", packager);
                assertAnswer(packager, answer, "{\"batchItemFailures\":[{\"itemIdentifier\":\"m-poison\"}]}");
                String latest = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(".quilt/named_packages/lab/run-7/latest")).asUtf8String();
                assertTrue(latest.matches("[0-9a-f]{64}"), "latest names a top hash: " + latest);
                assertTrue(s3.headObject(b -> b.bucket(BUCKET).key(".quilt/packages/" + latest)).contentLength() > 0,
                        "the manifest that latest names exists");
            }
        }
    }

    @Test
    void processorRunsTheImagesProgramOnTheReadyBatchAndReturnsOnlyThePoisonMessage() throws Exception {
        assumeTrue(MotoServer.available(), MotoServer::unavailableMessage);
        // the function as the stack deploys it (ADR 0404): the jar and handler of edp-processor/Dockerfile, the
        // template's environment, and the program a user's image sets under s3-event-bridge's name
        ProcessorImage image = ProcessorImage.read();
        Map<String, String> params = Map.of("BucketName", BUCKET, "ProcessorImageUri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/lab:1");
        Map<String, String> values = new LinkedHashMap<>(EventRouter.parameterValues(TEMPLATE, params));
        values.put("AWS::StackName", "edp");
        try (MotoServer moto = MotoServer.start(); S3Client s3 = moto.s3(); SnsClient sns = moto.client(SnsClient.builder())) {
            s3.createBucket(b -> b.bucket(BUCKET));
            s3.putObject(b -> b.bucket(BUCKET).key("lab/run-7/a.csv"), RequestBody.fromString("x,y\n1,2\n3,4\n"));
            s3.putObject(b -> b.bucket(BUCKET).key("lab/run-7/b.csv"), RequestBody.fromString("x,y\n5,6\n"));
            values.put("Topic", sns.createTopic(b -> b.name("edp-notifications")).topicArn());
            JsonNode function = TEMPLATE.resource("ProcessorFunction").path("Properties");
            Map<String, String> env = new LinkedHashMap<>();
            TEMPLATE.evaluate(function.path("Environment").path("Variables"), values).fields()
                    .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            env.put("HANDLER_COMMAND", "cat \"$ROOT_FOLDER\"/*.csv | grep -vc '^x,y' > \"$ROOT_FOLDER\"/rows.txt");
            env.putAll(moto(moto));
            String handler = function.path("ImageConfig").path("Command").path(0).asText();
            assertEquals(image.cmd(), List.of(handler), "the template runs the Dockerfile's CMD");
            Path jar = Repository.file(image.jar().orElseThrow());
            try (RuntimeApi api = new RuntimeApi(arn("ProcessorFunction"));
                    LambdaProcess processor = LambdaProcess.start("ProcessorFunction", jar, handler,
                            Integer.parseInt(values.get(function.path("MemorySize").path("Ref").asText())), api, env)) {
                String ready = "{\"version\": \"0\", \"id\": \"e-1\", \"detail-type\": \"package-objects-ready\", \"source\": \"com.quiltdata.edp\", "
                        + "\"detail\": {\"version\": \"0.1\", \"bucket\": \"" + BUCKET + "\", \"prefix\": \"lab/run-7/\", "
                        + "\"batch_id\": \"6f1c2a52-2b0e-4c1e-9d55-0c6a7e0e7a01\", \"object_count\": 2}}";
                String event = sqsEvent("processor", List.of(message("m-good", ready, 1), message("m-poison", "{\"detail\": ", 1)));
                RuntimeApi.Answer answer = api.invoke(event, ANSWER_TIMEOUT);
                System.out.printf("runtime_client function=%s jar_bytes=%d start_to_first_answer_ms=%d%n",
                        "ProcessorFunction", Files.size(jar), processor.sinceStart().toMillis());
                assertAnswer(processor, answer, "{\"batchItemFailures\":[{\"itemIdentifier\":\"m-poison\"}]}");
                assertEquals("3", s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("lab/run-7/rows.txt")).asUtf8String().trim(),
                        "the program's output is written back under the batch's prefix");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private LambdaProcess start(String functionId, Map<String, String> params, Map<String, String> extra, RuntimeApi api) {
        JsonNode properties = TEMPLATE.resource(functionId).path("Properties");
        Map<String, String> values = EventRouter.parameterValues(TEMPLATE, params);
        Map<String, String> resources = new LinkedHashMap<>(Map.of("Bus.Name", values.get("EventBusName")));
        resources.put("EmitFunction.Alias", FunctionEnvironment.EMIT_ALIAS_ARN);
        resources.put("PackagerQueue", FunctionEnvironment.PACKAGER_QUEUE_URL);
        resources.put("Topic", extra.getOrDefault("TOPIC_ARN", "arn:aws:sns:us-east-1:" + MotoServer.ACCOUNT + ":edp-notifications"));
        Map<String, String> env = new LinkedHashMap<>();
        if (properties.path("Environment").path("Variables").isObject()) {
            env.putAll(FunctionEnvironment.of(TEMPLATE, functionId, params, resources));
        }
        env.putAll(Map.of("DB_URL", db.jdbcUrl(), "DB_USER", db.user(), "DB_PASSWORD", db.password()));
        env.putAll(extra);
        int memory = properties.path("MemorySize").asInt(TEMPLATE.globals().path("Function").path("MemorySize").asInt(128));
        Path jar = Repository.file(properties.path("CodeUri").asText());
        return LambdaProcess.start(functionId, jar, properties.path("Handler").asText(), memory, api, env);
    }

    private static Map<String, String> moto(MotoServer moto) {
        return Map.of("AWS_ENDPOINT_URL", moto.endpoint().toString(), "AWS_ACCESS_KEY_ID", "moto", "AWS_SECRET_ACCESS_KEY", "moto");
    }

    private static Map<String, String> withTopic(Map<String, String> env, String topicArn) {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put("TOPIC_ARN", topicArn);
        return all;
    }

    /** Records one object event through the store's own use case, so that the emit function finds a ready batch. */
    private void recordInProcess(Map<String, String> params, String messageId, String key) throws Exception {
        Map<String, String> env = FunctionEnvironment.of(TEMPLATE, "StoreFunction", params,
                Map.of("EmitFunction.Alias", FunctionEnvironment.EMIT_ALIAS_ARN));
        BucketSettings buckets = BucketSettings.from(new Env(env));
        ObjectEventRecorder recorder = StoreWiring.of(buckets, db.database(), Clock.systemUTC(), line -> { })
                .recorder();
        ObjectNode body = (ObjectNode) JSON.readTree(Repository.read(SAMPLE_PUT));
        body.put("id", UUID.randomUUID().toString());
        ((ObjectNode) body.path("detail").path("object")).put("key", key);
        ObjectEventRecorder.Outcome outcome = recorder.record(List.of(new ObjectEventRecorder.Message(messageId, body.toString())),
                new Metrics("store", Clock.systemUTC(), line -> { }));
        assertTrue(outcome.failedMessageIds().isEmpty(), "seeding the store failed: " + outcome);
    }

    private static void assertAnswer(LambdaProcess function, RuntimeApi.Answer answer, String expectedJson) throws Exception {
        assertEquals("response", answer.kind(), () -> answer.body() + "\n" + function.output());
        assertEquals(JSON.readTree(expectedJson), JSON.readTree(answer.body()), () -> "answered " + answer.body() + "\n" + function.output());
    }

    private static void report(String functionId, LambdaProcess function) throws Exception {
        Path jar = Repository.file(TEMPLATE.resource(functionId).path("Properties").path("CodeUri").asText());
        System.out.printf("runtime_client function=%s jar_bytes=%d start_to_first_answer_ms=%d%n",
                functionId, Files.size(jar), function.sinceStart().toMillis());
    }

    private static String arn(String functionId) {
        return "arn:aws:lambda:us-east-1:" + MotoServer.ACCOUNT + ":function:" + functionId + ":live";
    }

    /** An SQS event exactly as the Lambda event source mapping delivers it. */
    private static String sqsEvent(String queue, List<ObjectNode> records) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode array = event.putArray("Records");
        for (ObjectNode record : records) {
            record.put("eventSourceARN", "arn:aws:sqs:us-east-1:" + MotoServer.ACCOUNT + ":edp-" + queue);
            array.add(record);
        }
        return event.toString();
    }

    private static ObjectNode message(String id, String body, int receiveCount) {
        ObjectNode m = JSON.createObjectNode();
        m.put("messageId", id);
        m.put("receiptHandle", "AQEB" + id);
        m.put("body", body);
        ObjectNode attributes = m.putObject("attributes");
        attributes.put("ApproximateReceiveCount", Integer.toString(receiveCount));
        attributes.put("SentTimestamp", "1764590000000");
        attributes.put("SenderId", "AIDAEXAMPLE");
        attributes.put("ApproximateFirstReceiveTimestamp", "1764590000100");
        m.putObject("messageAttributes");
        m.put("md5OfBody", "00000000000000000000000000000000");
        m.put("eventSource", "aws:sqs");
        m.put("awsRegion", "us-east-1");
        return m;
    }
}

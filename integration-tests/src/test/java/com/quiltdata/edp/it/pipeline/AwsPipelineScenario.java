package com.quiltdata.edp.it.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.it.CloudFormationTemplate;
import com.quiltdata.edp.it.CloudFormationTemplate.EventRule;
import com.quiltdata.edp.it.CloudFormationTemplate.Target;
import com.quiltdata.edp.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.DeadLetterConfig;
import software.amazon.awssdk.services.eventbridge.model.InputTransformer;
import software.amazon.awssdk.services.eventbridge.model.PutTargetsResponse;
import software.amazon.awssdk.services.eventbridge.model.RetryPolicy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The EDP pipeline with its AWS side served by an emulator (moto, LocalStack), written once and run by
 * {@code MotoPipelineTest} and {@code LocalStackPipelineTest}. The emulator does the AWS work: the
 * bucket's EventBridge notifications, the default-bus rule and the EDP bus's rules (event patterns,
 * targets and input transformers taken from {@code template.yaml}, parameters filled in), the SQS
 * queues with the template's redrive limits, and SNS delivering to an SQS subscriber. The test plays
 * Lambda: it receives what the emulator delivered into each queue and invokes the real handler with it
 * as an {@link com.amazonaws.services.lambda.runtime.events.SQSEvent} (emit: one scheduled tick).
 */
public final class AwsPipelineScenario {
    public static final String BUCKET = "edp-aws-pipeline";
    public static final String BUS = "edp-aws-bus";
    public static final String PREFIX = "lab/run-1/";
    /** Keys under {@link #PREFIX}; plain characters, as emulators do not form-encode keys in their events. */
    public static final List<String> LOGICAL_KEYS = List.of("a.csv", "b.csv", "raw/c.json");
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(30);
    private static final int VISIBILITY_SECONDS = 5;

    /**
     * Where the AWS side is.
     *
     * @param eventBridgeToSns  whether the emulator delivers EventBridge rule targets that are SNS topics
     *                          (moto 5.2 does not: its PutEvents fails when such a rule matches)
     * @param uniqueS3EventIds  whether each S3 event the emulator sends has an envelope id of its own, as on
     *                          AWS (moto 5.2 gives every S3 event the same id and sequencer; the store
     *                          takes a repeated id for a redelivery, so the scenario then gives each
     *                          delivered event an id of its own, derived from its key and version, and
     *                          counts the rewrites in the result)
     * @param enableEventBridge turns on "Send notifications to Amazon EventBridge" for a bucket
     */
    public record Backend(String name, URI endpoint, String accessKey, String secretKey, Region region,
                          boolean eventBridgeToSns, boolean uniqueS3EventIds, Consumer<String> enableEventBridge) {}

    /** A PostgreSQL with the EDP migrations applied. */
    public record Db(String jdbcUrl, String user, String password) {}

    /** What the run produced. */
    public record Result(String topHash, Set<String> manifestKeys, int ingestMessages, int packagerMessages,
                         List<JsonNode> topicMessages, List<String> rulesCreated, List<String> targetsSkipped, int eventIdsRewritten) {
        public String summary(String backend) {
            return "aws-pipeline backend=" + backend + " objects=" + manifestKeys.size() + " ingest_messages=" + ingestMessages
                    + " packager_messages=" + packagerMessages + " topic_messages=" + topicMessages.size() + " top_hash=" + topHash
                    + " rules=" + rulesCreated + " skipped_targets=" + targetsSkipped + " event_ids_rewritten=" + eventIdsRewritten;
        }
    }

    private final Backend backend;
    private final CloudFormationTemplate template = CloudFormationTemplate.edp();
    private final Map<String, String> parameters;
    private final List<String> rulesCreated = new ArrayList<>();
    private final List<String> targetsSkipped = new ArrayList<>();

    private AwsPipelineScenario(Backend backend) {
        this.backend = backend;
        Map<String, String> p = new LinkedHashMap<>();
        p.put("BucketName", BUCKET);
        p.put("EventBusName", BUS);
        // the batch fires on the emit tick right after the writes, by count
        p.put("BucketThresholdEventCount", Integer.toString(LOGICAL_KEYS.size()));
        this.parameters = EventRouter.parameterValues(template, p);
    }

    /** Sets up the AWS side on the backend, runs the writes through the three handlers and checks the package. */
    public static Result run(Backend backend, Db db) {
        return new AwsPipelineScenario(backend).run(db);
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        builder.endpointOverride(backend.endpoint())
                .region(backend.region())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(backend.accessKey(), backend.secretKey())));
        builder.httpClientBuilder(UrlConnectionHttpClient.builder());
        return builder.build();
    }

    private Result run(Db db) {
        try (S3Client s3 = client(S3Client.builder().forcePathStyle(true));
             SqsClient sqs = client(SqsClient.builder());
             SnsClient sns = client(SnsClient.builder());
             EventBridgeClient events = client(EventBridgeClient.builder())) {

            // the monitored bucket, versioned, with EventBridge notifications on (as a user sets it up)
            s3.createBucket(r -> r.bucket(BUCKET));
            s3.putBucketVersioning(r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
            backend.enableEventBridge().accept(BUCKET);

            // the template's queues (with their DLQs and redrive limits), the topic and a subscriber to watch it
            String names = "edp" + Long.toString(System.nanoTime(), 36);
            Queues.Queue ingest = Queues.create(sqs, template, "IngestQueue", names, VISIBILITY_SECONDS);
            Queues.Queue packagerQueue = Queues.create(sqs, template, "PackagerQueue", names, VISIBILITY_SECONDS);
            String topicArn = sns.createTopic(r -> r.name(names + "-Topic")).topicArn();
            String subscriberUrl = sqs.createQueue(r -> r.queueName(names + "-topic-subscriber")).queueUrl();
            sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(Queues.arn(sqs, subscriberUrl)));

            // the template's rules, on the default bus and on an EDP bus of the parameter's name
            events.createEventBus(r -> r.name(BUS));
            Map<String, String> arns = new LinkedHashMap<>();
            arns.put("IngestQueue", ingest.arn());
            arns.put("IngestDeadLetterQueue", Queues.arn(sqs, ingest.dlqUrl()));
            arns.put("PackagerQueue", packagerQueue.arn());
            arns.put("PackagerDeadLetterQueue", Queues.arn(sqs, packagerQueue.dlqUrl()));
            if (backend.eventBridgeToSns()) {
                arns.put("Topic", topicArn);
            }
            createRule(events, template.rule("BucketEventsRule"), arns);
            createRule(events, template.rule("PackageObjectsReadyRule"), arns);
            createRule(events, template.rule("NotificationRule"), arns);

            MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
            try (Functions functions = new Functions(template, parameters, db.jdbcUrl(), db.user(), db.password(), clock,
                    s3, sns, backend.endpoint(), topicArn)) {
                // 1. objects written with the S3 SDK; the emulator's EventBridge puts their events in the ingest queue
                for (String key : LOGICAL_KEYS) {
                    s3.putObject(r -> r.bucket(BUCKET).key(PREFIX + key), software.amazon.awssdk.core.sync.RequestBody.fromString("content of " + key));
                }
                List<Message> s3Events = await(sqs, ingest.url(), LOGICAL_KEYS.size(), "S3 events in the ingest queue");
                Set<String> eventKeys = new TreeSet<>();
                for (Message m : s3Events) {
                    JsonNode event = EventRouter.json(m.body());
                    assertEquals("aws.s3", event.path("source").asText(), m.body());
                    assertEquals("Object Created", event.path("detail-type").asText(), m.body());
                    eventKeys.add(event.path("detail").path("object").path("key").asText());
                }
                assertEquals(new TreeSet<>(LOGICAL_KEYS.stream().map(k -> PREFIX + k).toList()), eventKeys);
                long distinctIds = s3Events.stream().map(m -> EventRouter.json(m.body()).path("id").asText()).distinct().count();
                int rewritten = 0;
                if (backend.uniqueS3EventIds()) {
                    assertEquals(s3Events.size(), distinctIds, "each S3 event has an id of its own");
                } else if (distinctIds < s3Events.size()) {
                    s3Events = s3Events.stream().map(AwsPipelineScenario::withOwnId).toList();
                    rewritten = s3Events.size();
                }

                // 2. the store handler with those messages, as Lambda's event source mapping would batch them
                SqsDriver store = new SqsDriver(sqs, ingest.url(), functions.storeBatchSize, functions::store);
                assertEquals(Set.of(), store.invoke(s3Events), "store reported batch item failures");

                // 3. one emit tick; its PutEvents goes to the emulator's EDP bus, whose rule fills the packager queue
                clock.advance(Duration.ofSeconds(1));
                String tick = functions.emitTick();
                List<Message> ready = await(sqs, packagerQueue.url(), 1, "package-objects-ready in the packager queue (tick: " + tick + ")");
                assertEquals(1, ready.size(), "one batch, one event");
                JsonNode readyEvent = EventRouter.json(ready.get(0).body());
                assertEquals(PREFIX, readyEvent.path("detail").path("prefix").asText(), ready.get(0).body());

                // 4. the packager handler with what the rule delivered
                SqsDriver packager = new SqsDriver(sqs, packagerQueue.url(), functions.packagerBatchSize, functions::packager);
                assertEquals(Set.of(), packager.invoke(ready), "packager reported batch item failures");

                // the package, in the emulator's S3
                String name = PREFIX.substring(0, PREFIX.length() - 1);
                String topHash = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(".quilt/named_packages/" + name + "/latest"))
                        .asUtf8String().trim();
                assertTrue(topHash.matches("[0-9a-f]{64}"), "latest holds " + topHash);
                String manifest = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(".quilt/packages/" + topHash)).asUtf8String();
                Set<String> manifestKeys = new TreeSet<>();
                for (String line : manifest.split("\n")) {
                    JsonNode entry = line.isBlank() ? null : EventRouter.json(line);
                    if (entry != null && entry.has("logical_key")) {
                        manifestKeys.add(entry.path("logical_key").asText());
                        String physical = entry.path("physical_keys").path(0).asText();
                        assertTrue(physical.startsWith("s3://" + BUCKET + "/" + PREFIX), physical);
                    }
                }
                assertEquals(new TreeSet<>(LOGICAL_KEYS), manifestKeys, "the manifest lists the objects written");

                // the packager's notification, through the emulator's SNS to the subscriber queue
                int expectedOnTopic = backend.eventBridgeToSns() ? 2 : 1; // + package-objects-ready by the NotificationRule
                List<JsonNode> onTopic = new ArrayList<>();
                for (Message m : await(sqs, subscriberUrl, expectedOnTopic, "notifications from the topic")) {
                    JsonNode envelope = EventRouter.json(m.body());
                    onTopic.add(EventRouter.json(envelope.path("Message").asText()));
                }
                JsonNode created = onTopic.stream().filter(n -> "package-created".equals(n.path("type").asText())).findFirst()
                        .orElseThrow(() -> new AssertionError("no package-created notification among " + onTopic));
                assertEquals(topHash, created.path("top_hash").asText());
                assertEquals(name, created.path("package").asText());
                assertEquals(BUCKET, created.path("registry").asText());
                assertEquals(LOGICAL_KEYS.size(), created.path("objects").asInt());
                if (backend.eventBridgeToSns()) {
                    assertTrue(onTopic.stream().anyMatch(n -> "package-objects-ready".equals(n.path("detail-type").asText())),
                            "the NotificationRule sends package-objects-ready to the topic: " + onTopic);
                }

                // the packager's own writes under .quilt/ come back as S3 events; the store takes them and opens no batch
                List<Message> registryEvents = new ArrayList<>();
                List<Message> more;
                do {
                    more = sqs.receiveMessage(r -> r.queueUrl(ingest.url()).maxNumberOfMessages(10).waitTimeSeconds(2).visibilityTimeout(60)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
                    registryEvents.addAll(more);
                } while (!more.isEmpty());
                for (Message m : registryEvents) {
                    String key = EventRouter.json(m.body()).path("detail").path("object").path("key").asText();
                    assertTrue(key.startsWith(".quilt/"), "only the registry was written after the objects: " + key);
                }
                if (!registryEvents.isEmpty()) {
                    List<Message> fixed = backend.uniqueS3EventIds() ? registryEvents : registryEvents.stream().map(AwsPipelineScenario::withOwnId).toList();
                    assertEquals(Set.of(), store.invoke(fixed), "store reported batch item failures for registry writes");
                }
                try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                     ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM batch WHERE state = 'open'")) {
                    rs.next();
                    assertEquals(0, rs.getLong(1), "open batches after the package was made");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }

                // nothing went to a dead-letter queue, nothing is left behind
                assertEquals(0, Queues.depth(sqs, ingest.dlqUrl()), "ingest DLQ");
                assertEquals(0, Queues.depth(sqs, packagerQueue.dlqUrl()), "packager DLQ");
                assertEquals(0, Queues.depth(sqs, ingest.url()), "ingest queue");
                assertEquals(0, Queues.depth(sqs, packagerQueue.url()), "packager queue");

                return new Result(topHash, manifestKeys, s3Events.size(), ready.size(), List.copyOf(onTopic),
                        List.copyOf(rulesCreated), List.copyOf(targetsSkipped), rewritten);
            }
        }
    }

    /**
     * Creates one of the template's rules on the backend: its bus (default or the EDP bus), its event
     * pattern with parameters filled in, and each target whose resource the backend has (by logical id
     * in {@code arns}) with the template's input transformer, retry policy and dead-letter queue.
     */
    private void createRule(EventBridgeClient events, EventRule rule, Map<String, String> arns) {
        String bus = rule.onDefaultBus() ? "default" : BUS;
        JsonNode pattern = template.evaluate(rule.eventPattern(), parameters);
        String name = rule.name().orElse(rule.logicalId());
        List<software.amazon.awssdk.services.eventbridge.model.Target> targets = new ArrayList<>();
        for (Target t : rule.targets()) {
            String resource = EventRouter.logicalId(t.arn());
            String arn = arns.get(resource);
            if (arn == null) {
                targetsSkipped.add(rule.logicalId() + " -> " + resource);
                continue;
            }
            var target = software.amazon.awssdk.services.eventbridge.model.Target.builder().id(t.id()).arn(arn);
            if (t.inputTransformer().isPresent()) {
                String inputTemplate = t.inputTemplate().orElseThrow(() -> new IllegalStateException(
                        rule.logicalId() + " target " + t.id() + ": InputTemplate is not a plain string"));
                target.inputTransformer(InputTransformer.builder().inputPathsMap(t.inputPathsMap()).inputTemplate(inputTemplate).build());
            }
            JsonNode retry = t.raw().path("RetryPolicy");
            if (retry.isObject()) {
                RetryPolicy.Builder policy = RetryPolicy.builder();
                if (retry.has("MaximumEventAgeInSeconds")) {
                    policy.maximumEventAgeInSeconds(retry.get("MaximumEventAgeInSeconds").asInt());
                }
                if (retry.has("MaximumRetryAttempts")) {
                    policy.maximumRetryAttempts(retry.get("MaximumRetryAttempts").asInt());
                }
                target.retryPolicy(policy.build());
            }
            JsonNode dlq = t.raw().path("DeadLetterConfig").path("Arn");
            if (!dlq.isMissingNode()) {
                String dlqArn = arns.get(EventRouter.logicalId(dlq));
                if (dlqArn != null) {
                    target.deadLetterConfig(DeadLetterConfig.builder().arn(dlqArn).build());
                }
            }
            targets.add(target.build());
        }
        if (targets.isEmpty()) {
            return; // a rule with no target the backend can deliver to would only make PutEvents fail there
        }
        events.putRule(r -> r.name(name).eventBusName(bus).eventPattern(pattern.toString()));
        PutTargetsResponse response = events.putTargets(r -> r.rule(name).eventBusName(bus).targets(targets));
        assertEquals(0, response.failedEntryCount(), rule.logicalId() + ": " + response.failedEntries());
        rulesCreated.add(rule.logicalId());
    }

    /** The message with its event's envelope id replaced by one derived from the old id, the key and the version. */
    private static Message withOwnId(Message m) {
        JsonNode event = EventRouter.json(m.body());
        JsonNode object = event.path("detail").path("object");
        String seed = event.path("id").asText() + "|" + object.path("key").asText() + "|" + object.path("version-id").asText();
        ((com.fasterxml.jackson.databind.node.ObjectNode) event).put("id", UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString());
        return m.toBuilder().body(event.toString()).build();
    }

    /** Receives (without deleting) until {@code n} messages have arrived or the wait is over. */
    private static List<Message> await(SqsClient sqs, String url, int n, String what) {
        List<Message> got = new ArrayList<>();
        Instant deadline = Instant.now().plus(DELIVERY_WAIT);
        while (got.size() < n && Instant.now().isBefore(deadline)) {
            got.addAll(sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(Math.min(10, n - got.size())).waitTimeSeconds(1)
                    .visibilityTimeout(60).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages());
        }
        assertEquals(n, got.size(), what + " after " + DELIVERY_WAIT.toSeconds() + " s: " + got.stream().map(Message::body).toList());
        return got;
    }

    /**
     * Turns on EventBridge notifications with the plain S3 REST call
     * ({@code PUT /bucket?notification} with an empty {@code <EventBridgeConfiguration/>}), for
     * emulators that take unsigned requests. The SDK v2 leaves the empty element out.
     */
    public static void enableEventBridgeByRestCall(URI endpoint, String bucket) {
        byte[] body = ("<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<EventBridgeConfiguration></EventBridgeConfiguration></NotificationConfiguration>").getBytes(StandardCharsets.UTF_8);
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint.resolve("/" + bucket + "?notification").toURL().openConnection();
            c.setRequestMethod("PUT");
            c.setDoOutput(true);
            c.setConnectTimeout(5_000);
            c.setReadTimeout(30_000);
            c.setRequestProperty("Content-Type", "application/xml");
            c.getOutputStream().write(body);
            int status = c.getResponseCode();
            String answer = new String((status < 400 ? c.getInputStream() : c.getErrorStream()).readAllBytes(), StandardCharsets.UTF_8);
            c.disconnect();
            if (status != 200) {
                throw new IllegalStateException("EventBridge notifications for " + bucket + " refused: HTTP " + status + " " + answer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package com.quiltdata.edp.it.pipeline;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.emit.testing.FakeEventBridge;
import com.quiltdata.edp.it.CloudFormationTemplate;
import com.quiltdata.edp.testing.FakeSns;
import com.quiltdata.edp.testing.InProcessS3;
import com.quiltdata.edp.testing.InProcessSqs;
import com.quiltdata.edp.testing.MutableClock;
import com.quiltdata.edp.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole EDP pipeline in one JVM, wired as {@code template.yaml} wires it: S3Mock (a versioned
 * bucket) whose writes become S3 EventBridge events on the default bus, the template's rules
 * routing them into the ingest queue (ElasticMQ, with the template's DLQ and receive limit), the
 * store handler on SQS batches of the template's size, the emit handler on ticks of a clock the
 * test moves, the EDP bus (the real SDK client against a local EventBridge endpoint) whose events
 * the template's rules route to the packager queue and the topic, and the packager handler writing
 * Quilt packages into the bucket, all over one real PostgreSQL.
 */
public final class Pipeline implements AutoCloseable {
    public static final String BUCKET = "edp-pipeline-data";
    public static final String BUS = "edp-pipeline-bus";
    public static final String TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:edp-pipeline-topic";
    public static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    public final CloudFormationTemplate template = CloudFormationTemplate.edp();
    public final MutableClock clock = new MutableClock(T0);
    public final TestDatabase db;
    public final InProcessS3 s3;
    public final InProcessSqs sqs;
    public final FakeEventBridge bus;
    public final FakeSns sns;
    public final Queues.Queue ingest;
    public final Queues.Queue packagerQueue;
    public final EventRouter router;
    public final S3EventSource source;
    public final Functions functions;
    public final SqsDriver storeDriver;
    public final SqsDriver packagerDriver;
    public final Audit audit;
    private final List<String> topicMessages = new ArrayList<>();
    private int busCursor;
    /** Applied to each message body on its way into the ingest queue (duplication, delays...). */
    private volatile UnaryOperator<List<String>> ingestFilter = UnaryOperator.identity();
    private final List<String> heldIngest = new ArrayList<>();
    private volatile boolean holding;

    public Pipeline() {
        this(Map.of(), 1);
    }

    /**
     * @param parameters        deployment parameters over the template's defaults (bucket and bus are the pipeline's)
     * @param visibilitySeconds the queues' visibility timeout (the only queue setting not the template's)
     */
    public Pipeline(Map<String, String> parameters, int visibilitySeconds) {
        this(parameters, visibilitySeconds, TestDatabase.create());
    }

    public Pipeline(Map<String, String> parameters, int visibilitySeconds, TestDatabase database) {
        Map<String, String> params = new LinkedHashMap<>(parameters);
        params.putIfAbsent("BucketName", BUCKET);
        params.putIfAbsent("EventBusName", BUS);
        this.db = database;
        this.s3 = InProcessS3.start();
        this.sqs = InProcessSqs.start();
        this.bus = FakeEventBridge.start();
        this.sns = FakeSns.start();
        s3.createBucket(BUCKET, true);
        SqsClient client = sqs.client();
        String name = "p" + Long.toString(System.nanoTime(), 36);
        this.ingest = Queues.create(client, template, "IngestQueue", name, visibilitySeconds);
        this.packagerQueue = Queues.create(client, template, "PackagerQueue", name, visibilitySeconds);
        this.router = new EventRouter(template, params, Map.of(
                "IngestQueue", body -> {
                    synchronized (heldIngest) {
                        heldIngest.add(body);
                    }
                },
                "PackagerQueue", body -> client.sendMessage(r -> r.queueUrl(packagerQueue.url()).messageBody(body)),
                "Topic", body -> {
                    synchronized (topicMessages) {
                        topicMessages.add(body);
                    }
                }));
        this.source = new S3EventSource(s3.client(), clock, event -> {
            router.put(EventRouter.DEFAULT_BUS, event);
            if (!holding) {
                flushIngest();
            }
        });
        this.functions = new Functions(template, params, db, clock, s3.client(), sns.client(), bus.endpoint(), TOPIC_ARN);
        this.storeDriver = new SqsDriver(client, ingest.url(), functions.storeBatchSize, functions::store);
        this.audit = new Audit(this);
        this.packagerDriver = new SqsDriver(client, packagerQueue.url(), functions.packagerBatchSize, this::packageWithSnapshot);
    }

    /** Replaces how routed S3 events reach the ingest queue (faults: duplicate, shuffle, hold back). */
    public void ingestFilter(UnaryOperator<List<String>> filter) {
        this.ingestFilter = filter;
    }

    /** While holding, routed S3 events wait until {@link #flushIngest()} (so a filter sees many at once). */
    public void holdIngest(boolean hold) {
        this.holding = hold;
    }

    /** Sends the S3 events routed so far to the ingest queue, through the current filter. */
    public void flushIngest() {
        List<String> bodies;
        synchronized (heldIngest) {
            bodies = new ArrayList<>(heldIngest);
            heldIngest.clear();
        }
        if (bodies.isEmpty()) {
            return;
        }
        for (String body : ingestFilter.apply(bodies)) {
            sendIngest(body);
        }
    }

    /** Puts a message straight into the ingest queue (poison messages, redrives). */
    public void sendIngest(String body) {
        sqs.client().sendMessage(r -> r.queueUrl(ingest.url()).messageBody(body));
    }

    private SQSBatchResponse packageWithSnapshot(SQSEvent event) {
        for (SQSEvent.SQSMessage m : event.getRecords()) {
            audit.snapshotFor(m.getBody());
        }
        SQSBatchResponse response = functions.packager(event);
        clock.advance(Duration.ofSeconds(1)); // registry pointers are named by the second
        return response;
    }

    /** Store consumes the ingest queue until it is empty (retries and DLQ moves included). */
    public void store() {
        storeDriver.drain(120_000);
    }

    /** One emit tick, then the bus events it published are routed by the template's rules. Returns the tick summary. */
    public String tick() {
        String summary = functions.emitTick();
        routeBus();
        return summary;
    }

    /** Routes the EDP-bus entries accepted since the last call. */
    public void routeBus() {
        List<FakeEventBridge.Entry> entries = bus.entries();
        for (; busCursor < entries.size(); busCursor++) {
            FakeEventBridge.Entry e = entries.get(busCursor);
            JsonNode envelope = e.envelope().put("account", Functions.ACCOUNT).put("time", clock.instant().toString());
            router.put("Bus", envelope);
        }
    }

    /** Packager consumes its queue until it is empty. */
    public void packageAll() {
        packagerDriver.drain(120_000);
    }

    /** Store everything, move the clock past the quiet period, tick and package until every batch is announced. */
    public void settle() {
        for (int round = 0; round < 20; round++) {
            flushIngest();
            store();
            clock.advance(quietPeriod().plusSeconds(1));
            tick();
            packageAll();
            if (db.scalar("SELECT count(*) FROM batch WHERE state <> 'emitted'") == 0 && Queues.depth(sqs.client(), ingest.url()) == 0) {
                return;
            }
        }
        throw new IllegalStateException("the pipeline did not settle: batches remain open or unannounced");
    }

    public Duration quietPeriod() {
        return Duration.ofSeconds(Long.parseLong(functions.parameters.get("BucketThresholdDuration")));
    }

    public int countThreshold() {
        return Integer.parseInt(functions.parameters.get("BucketThresholdEventCount"));
    }

    public List<String> topicMessages() {
        synchronized (topicMessages) {
            return List.copyOf(topicMessages);
        }
    }

    /** Everything in the ingest DLQ (taken out). */
    public List<String> takeIngestDeadLetters() {
        return Queues.takeAll(sqs.client(), ingest.dlqUrl()).stream().map(m -> m.body()).toList();
    }

    public List<String> takePackagerDeadLetters() {
        return Queues.takeAll(sqs.client(), packagerQueue.dlqUrl()).stream().map(m -> m.body()).toList();
    }

    public <T> T with(Function<Pipeline, T> f) {
        return f.apply(this);
    }

    @Override
    public void close() {
        functions.close();
        sns.close();
        bus.close();
        sqs.close();
        s3.close();
        db.close();
    }
}

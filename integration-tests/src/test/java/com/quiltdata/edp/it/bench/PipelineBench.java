package com.quiltdata.edp.it.bench;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.emit.testing.FakeEventBridge;
import com.quiltdata.edp.emit.testing.TestContext;
import com.quiltdata.edp.it.CloudFormationTemplate;
import com.quiltdata.edp.it.pipeline.Functions;
import com.quiltdata.edp.it.pipeline.S3EventSource;
import com.quiltdata.edp.testing.FakeSns;
import com.quiltdata.edp.testing.InProcessS3;
import com.quiltdata.edp.testing.MutableClock;
import com.quiltdata.edp.testing.TestDatabase;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Object events through the real store and emit handlers, wired as template.yaml wires them: S3
 * EventBridge events in SQS-sized batches (the template's BatchSize) into the store handler, an emit
 * tick (the real handler, the real EventBridge client against a local endpoint) every simulated minute
 * on a clock that follows the wall clock, then a sample of the emitted batches packaged by the real
 * packager from S3Mock. Prints, as its last line:
 * {@code pipeline events=<n> seconds=<t> events_per_s=<r> max_emit_lag_s=<l> lost=<computed>}.
 *
 * <p>Arguments: [events=1000000] [files per prefix=20 (the default count threshold)] [sampled batches=20]
 */
public final class PipelineBench {
    private static final String BUCKET = "edp-bench-data";

    public static void main(String[] args) throws Exception {
        try {
            measure(args);
        } finally {
            TestDatabase.shutdownEmbedded();
        }
        System.exit(0); // in-process emulators leave non-daemon threads behind
    }

    private static void measure(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int perPrefix = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int sample = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        PrintStream out = System.out;
        Path log = Path.of("target", "bench-pipeline.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        PrintStream quiet = new PrintStream(new FileOutputStream(log.toFile()), false);
        System.setOut(quiet);

        Instant t0 = Instant.parse("2026-11-02T10:00:00Z");
        MutableClock clock = new MutableClock(t0);
        TestDatabase db = TestDatabase.create();
        InProcessS3 s3 = InProcessS3.start();
        s3.createBucket(BUCKET, true);
        FakeEventBridge bus = FakeEventBridge.start();
        FakeSns sns = FakeSns.start();
        CloudFormationTemplate template = CloudFormationTemplate.edp();
        Map<String, String> params = Map.of("BucketName", BUCKET, "EventBusName", "edp-bench-bus",
                "BucketThresholdEventCount", Integer.toString(perPrefix));
        Functions functions = new Functions(template, params, db, clock, s3.client(), sns.client(), bus.endpoint(),
                "arn:aws:sns:us-east-1:123456789012:edp-bench");
        int batchSize = functions.storeBatchSize;
        int prefixes = (events + perPrefix - 1) / perPrefix;

        // the sampled prefixes' objects really exist, so the packager can package them
        int sampleEvery = Math.max(1, prefixes / Math.max(1, sample));
        Map<String, String> sampleVersions = new HashMap<>();
        for (int p = 0; p < prefixes && sampleVersions.size() < sample * perPrefix; p += sampleEvery) {
            for (int f = 0; f < perPrefix && (long) p * perPrefix + f < events; f++) {
                String key = key(p, f);
                var r = s3.client().putObject(b -> b.bucket(BUCKET).key(key),
                        software.amazon.awssdk.core.sync.RequestBody.fromString("bench " + key));
                sampleVersions.put(key, r.versionId());
            }
        }

        long start = System.nanoTime();
        Instant lastTick = clock.instant();
        Map<String, Long> completedAtNanos = new HashMap<>();
        double maxLagSeconds = 0;
        int cursor = 0;
        long sent = 0;
        List<SQSEvent.SQSMessage> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < events; i++) {
            int p = i % prefixes;
            int f = i / prefixes;
            String key = key(p, f);
            String version = sampleVersions.getOrDefault(key, UUID.randomUUID().toString());
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("m" + i);
            m.setBody(event(i, key, version, clock.instant()));
            batch.add(m);
            if (f == perPrefix - 1 || i + prefixes >= events) {
                completedAtNanos.put(prefix(p), 0L); // marked complete when its batch is stored
            }
            if (batch.size() == batchSize || i == events - 1) {
                store(functions, batch);
                long now = System.nanoTime();
                for (SQSEvent.SQSMessage done : batch) {
                    String pk = prefix(Integer.parseInt(done.getMessageId().substring(1)) % prefixes);
                    if (completedAtNanos.get(pk) != null && completedAtNanos.get(pk) == 0L) {
                        completedAtNanos.put(pk, now);
                    }
                }
                sent += batch.size();
                batch = new ArrayList<>(batchSize);
                clock.set(t0.plusNanos(System.nanoTime() - start));
                if (Duration.between(lastTick, clock.instant()).toSeconds() >= 60) {
                    functions.emitTick();
                    lastTick = clock.instant();
                    long tickedAt = System.nanoTime();
                    List<FakeEventBridge.Entry> entries = bus.entries("package-objects-ready");
                    for (; cursor < entries.size(); cursor++) {
                        Long completed = completedAtNanos.get(entries.get(cursor).detail().path("prefix").asText());
                        if (completed != null && completed > 0) {
                            maxLagSeconds = Math.max(maxLagSeconds, (tickedAt - completed) / 1e9);
                        }
                    }
                }
            }
        }
        // the schedule keeps ticking: every full batch is due by count, whatever the quiet period
        clock.set(t0.plusNanos(System.nanoTime() - start));
        clock.advance(Duration.ofMinutes(1));
        functions.emitTick();
        long tickedAt = System.nanoTime();
        List<FakeEventBridge.Entry> entries = bus.entries("package-objects-ready");
        for (; cursor < entries.size(); cursor++) {
            Long completed = completedAtNanos.get(entries.get(cursor).detail().path("prefix").asText());
            if (completed != null && completed > 0) {
                maxLagSeconds = Math.max(maxLagSeconds, (tickedAt - completed) / 1e9);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // partial last prefixes (fewer files than the threshold) go out on quiet
        clock.advance(Duration.ofSeconds(Long.parseLong(functions.parameters.get("BucketThresholdDuration")) + 1));
        functions.emitTick();

        // lost, computed: events sent that no emitted batch accounts for, or never recorded
        long recorded = db.scalar("SELECT count(*) FROM object_event");
        long inEmitted = db.scalar("SELECT coalesce(sum(object_count), 0) FROM batch WHERE state = 'emitted'");
        long announced = 0;
        Map<String, JsonNode> byPrefix = new HashMap<>();
        for (FakeEventBridge.Entry e : bus.entries("package-objects-ready")) {
            announced += e.detail().path("object_count").asLong();
            byPrefix.put(e.detail().path("prefix").asText(), e.detail());
        }
        long lost = Math.max(0, sent - recorded) + Math.max(0, sent - inEmitted) + Math.max(0, sent - announced);

        // package the sampled batches with the real packager
        List<SQSEvent.SQSMessage> toPackage = new ArrayList<>();
        int n = 0;
        for (int p = 0; p < prefixes; p += sampleEvery) {
            JsonNode detail = byPrefix.get(prefix(p));
            if (detail == null) {
                lost += perPrefix;
                continue;
            }
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("pkg" + n++);
            m.setBody("{\"version\":\"0\",\"id\":\"" + UUID.randomUUID() + "\",\"detail-type\":\"package-objects-ready\","
                    + "\"source\":\"com.quiltdata.edp\",\"account\":\"123456789012\",\"time\":\"" + clock.instant() + "\","
                    + "\"region\":\"us-east-1\",\"resources\":[\"arn:aws:s3:::" + BUCKET + "\"],\"detail\":" + detail + "}");
            m.setAttributes(Map.of("ApproximateReceiveCount", "1"));
            toPackage.add(m);
            if (n >= sample) {
                break;
            }
        }
        for (int i = 0; i < toPackage.size(); i += functions.packagerBatchSize) {
            SQSEvent e = new SQSEvent();
            e.setRecords(toPackage.subList(i, Math.min(toPackage.size(), i + functions.packagerBatchSize)));
            SQSBatchResponse r = functions.packager.handleRequest(e, TestContext.withRemainingMillis(900_000));
            lost += r.getBatchItemFailures().size();
            clock.advance(Duration.ofSeconds(1));
        }
        long packaged = db.scalar("SELECT count(*) FROM package_revision");
        long packagedObjects = db.scalar("SELECT coalesce(sum(object_count), 0) FROM package_revision");
        lost += Math.max(0, toPackage.size() - packaged);
        lost += Math.max(0, (long) toPackage.size() * perPrefix - packagedObjects);

        System.setOut(out);
        out.printf(Locale.ROOT, "store+emit: %d events in %d prefixes, SQS batches of %d, %d batches announced, %d recorded; "
                + "packaged %d sampled batches (%d objects); handler logs in %s%n", sent, prefixes, batchSize,
                bus.entries("package-objects-ready").size(), recorded, packaged, packagedObjects, log);
        out.printf(Locale.ROOT, "pipeline events=%d seconds=%.1f events_per_s=%.0f max_emit_lag_s=%.1f lost=%d%n",
                sent, seconds, sent / seconds, maxLagSeconds, lost);
        functions.close();
        bus.close();
        sns.close();
        s3.close();
    }

    private static String prefix(int p) {
        return "bench/p" + p + "/";
    }

    private static String key(int p, int f) {
        return prefix(p) + "f" + f + ".dat";
    }

    private static String event(long i, String key, String version, Instant time) {
        return "{\"version\":\"0\",\"id\":\"bench-" + i + "\",\"detail-type\":\"Object Created\",\"source\":\"aws.s3\","
                + "\"account\":\"123456789012\",\"time\":\"" + time + "\",\"region\":\"us-east-1\","
                + "\"resources\":[\"arn:aws:s3:::" + BUCKET + "\"],\"detail\":{\"version\":\"0\",\"bucket\":{\"name\":\"" + BUCKET
                + "\"},\"object\":{\"key\":\"" + S3EventSource.encodeKey(key) + "\",\"size\":" + (key.length() + 6)
                + ",\"etag\":\"" + Long.toHexString(i) + "\",\"version-id\":\"" + version + "\",\"sequencer\":\""
                + String.format(Locale.ROOT, "%016X", i + 1) + "\"},\"request-id\":\"R" + i + "\",\"requester\":\"123456789012\","
                + "\"reason\":\"PutObject\"}}";
    }

    private static void store(Functions functions, List<SQSEvent.SQSMessage> batch) {
        SQSEvent e = new SQSEvent();
        e.setRecords(batch);
        SQSBatchResponse r = functions.store(e);
        if (!r.getBatchItemFailures().isEmpty()) {
            throw new IllegalStateException(r.getBatchItemFailures().size() + " messages failed in a store batch");
        }
    }
}

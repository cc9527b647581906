package com.quiltdata.edp.it.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole pipeline on in-process S3 and SQS, real PostgreSQL and the template's routing. */
class PipelineTest {
    private static Pipeline p;

    @BeforeAll
    static void start() {
        p = new Pipeline();
    }

    @AfterAll
    static void stop() {
        if (p != null) {
            p.close();
        }
    }

    @Test
    void objectsBecomePackageRevisionsExactlyOnce() {
        // a full batch: the count threshold fires it without waiting for quiet
        for (int i = 0; i < p.countThreshold(); i++) {
            p.source.put(Pipeline.BUCKET, "lab/run-1/raw/f" + i + ".csv", "run-1 file " + i);
        }
        p.store();
        p.tick();
        p.packageAll();
        assertEquals(1, p.bus.entries("package-objects-ready").size(), "the count threshold fires run-1 at once");
        assertEquals("count", p.bus.entries("package-objects-ready").get(0).detail().path("trigger").asText());

        // a small batch fires on quiet; keys S3 form-encodes; a root key and the registry are not batches
        p.source.put(Pipeline.BUCKET, "lab/run-2/a b+c=é.txt", "encoded");
        p.source.put(Pipeline.BUCKET, "lab/run-2/100%/x.csv", "percent");
        p.source.put(Pipeline.BUCKET, "README.md", "root");
        p.source.put(Pipeline.BUCKET, "lab/run-2/ü/日本.txt", "unicode");
        p.store();
        p.clock.advance(Duration.ofSeconds(60));
        p.tick();
        assertEquals(1, p.bus.entries("package-objects-ready").size(), "run-2 is not quiet yet");
        p.settle();

        // changes after a prefix fired open a new batch and a new revision
        p.source.put(Pipeline.BUCKET, "lab/run-1/raw/f0.csv", "run-1 file 0, again");
        p.source.delete(Pipeline.BUCKET, "lab/run-1/raw/f1.csv");
        p.source.put(Pipeline.BUCKET, "lab/run-1/raw/new.csv", "new");
        // a delete marker for a key that never existed changes nothing: an unchanged batch
        p.source.delete(Pipeline.BUCKET, "lab/run-2/never-written.csv");
        // written and deleted inside one batch
        p.source.put(Pipeline.BUCKET, "lab/run-3/tmp.txt", "short-lived");
        p.source.put(Pipeline.BUCKET, "lab/run-3/kept.txt", "kept");
        p.source.delete(Pipeline.BUCKET, "lab/run-3/tmp.txt");
        p.settle();

        Audit.Report report = p.audit.check(Set.of());
        System.out.println(report.summary("none"));
        assertEquals(List.of(), report.problems());
        assertEquals(0, report.deadLetters());
        assertEquals(5, report.batches(), "run-1 twice, run-2 twice, run-3 once");
        assertEquals(0, report.unchanged());
        // ADR 0100: a batch's id is in its package metadata, so even a batch that changed nothing is a revision
        assertEquals(1, report.contentUnchanged(), "the phantom delete in run-2");
        assertEquals(5, report.revisions());

        // the template's notification rule sends every EDP event to the topic
        long readyOnTopic = p.topicMessages().stream().map(EventRouter::json)
                .filter(e -> e.path("detail-type").asText().equals("package-objects-ready")).count();
        assertEquals(report.batches(), readyOnTopic);
        // the packager notifies each created revision on its topic
        assertTrue(p.sns.published().size() >= report.revisions(), "SNS got " + p.sns.published().size());
    }

    @Test
    void theTemplatesRulesDecideWhatReachesEachQueue() {
        JsonNode otherBucket = EventRouter.json(p.source.writes().isEmpty()
                ? sampleEvent("another-bucket") : p.source.writes().get(0).event().toString().replace(Pipeline.BUCKET, "another-bucket"));
        assertEquals(List.of(), p.router.matchingRules(EventRouter.DEFAULT_BUS, otherBucket), "another bucket's events are not ours");
        JsonNode ours = EventRouter.json(otherBucket.toString().replace("another-bucket", Pipeline.BUCKET));
        assertEquals(List.of("BucketEventsRule"), p.router.matchingRules(EventRouter.DEFAULT_BUS, ours));
        assertEquals(List.of(), p.router.matchingRules("Bus", ours), "S3 events on the EDP bus match no EDP rule");

        JsonNode ready = EventRouter.json("{\"version\":\"0\",\"id\":\"1\",\"source\":\"com.quiltdata.edp\",\"detail-type\":\"package-objects-ready\","
                + "\"resources\":[],\"detail\":{\"version\":\"0.1\",\"bucket\":\"b\",\"prefix\":\"p/\"}}");
        assertEquals(List.of("PackageObjectsReadyRule", "NotificationRule"), p.router.matchingRules("Bus", ready));
        JsonNode packageReady = EventRouter.json(ready.toString().replace("package-objects-ready", "package-ready"));
        assertEquals(List.of("NotificationRule"), p.router.matchingRules("Bus", packageReady));
        JsonNode foreign = EventRouter.json(ready.toString().replace("com.quiltdata.edp", "someone.else"));
        assertEquals(List.of(), p.router.matchingRules("Bus", foreign));
        assertEquals(List.of(), p.router.unwiredTargets(), "every target of the template's rules is wired in the pipeline");
    }

    private static String sampleEvent(String bucket) {
        return "{\"version\":\"0\",\"id\":\"x\",\"detail-type\":\"Object Created\",\"source\":\"aws.s3\",\"detail\":{\"bucket\":{\"name\":\""
                + bucket + "\"},\"object\":{\"key\":\"a/b/c\",\"size\":1,\"sequencer\":\"01\"}}}";
    }
}

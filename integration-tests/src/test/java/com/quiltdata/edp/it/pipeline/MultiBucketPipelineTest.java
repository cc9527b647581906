package com.quiltdata.edp.it.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One stack for two buckets (BucketName as a comma list, ADR 0313), through the template's routing,
 * the store, emit and the packager on in-process S3 and SQS and real PostgreSQL: the two buckets use
 * the same prefix names, and each prefix is its own batch, announcement and package, in its own bucket.
 */
class MultiBucketPipelineTest {
    private static final String SECOND = "edp-pipeline-second";
    private static final String OTHER = "edp-pipeline-other";
    private static Pipeline p;

    @BeforeAll
    static void start() {
        p = new Pipeline(Map.of("BucketName", Pipeline.BUCKET + "," + SECOND), 1);
        p.s3.createBucket(SECOND, true);
        p.s3.createBucket(OTHER, true);
    }

    @AfterAll
    static void stop() {
        if (p != null) {
            p.close();
        }
    }

    @Test
    void twoBucketsThatShareTheirPrefixNamesKeepTheirOwnBatchesAndPackages() {
        // Given the same keys written to both watched buckets (a full batch in the first, three files in the second) and to a third
        for (int i = 0; i < p.countThreshold(); i++) {
            p.source.put(Pipeline.BUCKET, "lab/run-1/f" + i + ".csv", "first " + i);
        }
        for (int i = 0; i < 3; i++) {
            p.source.put(SECOND, "lab/run-1/f" + i + ".csv", "second " + i);
        }
        p.source.put(OTHER, "lab/run-1/f0.csv", "not watched");

        // When the store records them and emit ticks
        p.store();
        p.tick();

        // Then the third bucket never reached the store, and the two open batches are keyed by bucket
        assertEquals(0L, p.db.scalar("SELECT count(*) FROM object_event WHERE bucket = ?", OTHER));
        assertEquals(2L, p.db.scalar("SELECT count(*) FROM batch WHERE prefix = 'lab/run-1/'"));
        assertEquals((long) p.countThreshold(), p.db.scalar("SELECT object_count FROM batch WHERE bucket = ? AND prefix = 'lab/run-1/'", Pipeline.BUCKET));
        assertEquals(3L, p.db.scalar("SELECT object_count FROM batch WHERE bucket = ? AND prefix = 'lab/run-1/'", SECOND));
        // the full one is announced at once, by count, naming its bucket; the other waits for quiet
        List<String> announced = announcedBuckets();
        assertEquals(List.of(Pipeline.BUCKET), announced);

        p.clock.advance(p.quietPeriod().plus(Duration.ofSeconds(1)));
        p.tick();
        assertEquals(List.of(Pipeline.BUCKET, SECOND), announcedBuckets());
        assertEquals("quiet", p.bus.entries("package-objects-ready").get(1).detail().path("trigger").asText());

        // and each batch becomes a package in its own bucket, holding its own bucket's files
        p.packageAll();
        for (String bucket : List.of(Pipeline.BUCKET, SECOND)) {
            String latest = p.s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(".quilt/named_packages/lab/run-1/latest")).asUtf8String();
            String manifest = p.s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(".quilt/packages/" + latest)).asUtf8String();
            assertTrue(manifest.contains("s3://" + bucket + "/lab/run-1/f0.csv"), bucket + "'s package names its own objects: " + manifest);
            long entries = manifest.lines().count() - 1;
            assertEquals(bucket.equals(SECOND) ? 3 : p.countThreshold(), entries, bucket);
        }
        assertEquals(2L, p.db.scalar("SELECT count(*) FROM package_revision WHERE package_name = 'lab/run-1'"));
    }

    private static List<String> announcedBuckets() {
        return p.bus.entries("package-objects-ready").stream().map(e -> e.detail().path("bucket").asText()).toList();
    }
}

package com.quiltdata.edp.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.emit.domain.ReadinessRules;
import com.quiltdata.edp.emit.s3.S3RulesFileReader;
import com.quiltdata.edp.emit.testing.EmitFixture;
import com.quiltdata.edp.emit.testing.OpenBatches;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.testing.InProcessS3;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The emit tick with a rules file on S3 (S3Mock) over the stack's thresholds, against real
 * PostgreSQL: two buckets that use the same prefix names keep their own batches and their own
 * thresholds, a changed file takes effect without a new deployment, and a malformed or missing file
 * never stops what the thresholds in force would emit.
 */
class RulesFileThresholdsTest {
    private static final ReadinessRules STACK = new ReadinessRules(20, Duration.ofSeconds(300), Duration.ZERO, List.of());
    private static final String CONFIG = "edp-config";
    private static final String KEY = "edp/rules.json";
    private static InProcessS3 s3;

    private EmitFixture f;
    private final List<String> metricLines = new ArrayList<>();
    private Metrics metrics;

    @BeforeAll
    static void startS3() {
        s3 = InProcessS3.start();
        s3.createBucket(CONFIG, false);
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    @BeforeEach
    void fixture() {
        f = new EmitFixture();
        metrics = new Metrics("emit", f.clock, metricLines::add);
        s3.client().deleteObject(b -> b.bucket(CONFIG).key(KEY));
    }

    @AfterEach
    void close() {
        f.close();
    }

    private void writeRules(String text) {
        s3.client().putObject(b -> b.bucket(CONFIG).key(KEY), RequestBody.fromString(text));
    }

    private RulesFileThresholds thresholds() {
        return new RulesFileThresholds(new S3RulesFileReader(s3.client(), CONFIG, KEY), STACK, metrics, f.clock, RulesFileThresholds.RECHECK);
    }

    private ReadyBatchEmitter emitter(RulesFileThresholds thresholds) {
        return new ReadyBatchEmitter(new com.quiltdata.edp.emit.postgres.JdbcBatchRepository(f.database()), f.publisher(), thresholds,
                Optional.empty(), f.clock, Duration.ZERO, EmitWiring.ROUND_SIZE);
    }

    /** Five files each in lab/run-1/ of two buckets, active a minute ago: neither count (20) nor quiet (300 s) under the stack's rules. */
    private List<UUID> sameNamesInTwoBuckets() {
        UUID a = OpenBatches.insert(f.db, "lab-a", "lab/run-1/", 5, EmitFixture.T0.minusSeconds(60), EmitFixture.T0.minusSeconds(60));
        UUID b = OpenBatches.insert(f.db, "lab-b", "lab/run-1/", 5, EmitFixture.T0.minusSeconds(60), EmitFixture.T0.minusSeconds(60));
        return List.of(a, b);
    }

    private double metric(String name) {
        metrics.flush();
        return metricLines.stream().filter(l -> l.contains("\"" + name + "\":")).count();
    }

    @Test
    void aBucketsRuleAppliesToItsBatchesOnlyWhenTwoBucketsShareTheirPrefixNames() {
        List<UUID> ids = sameNamesInTwoBuckets();
        writeRules("""
                {"version": 1, "rules": [{"bucket": "lab-a", "event_count": 5}]}
                """);

        ReadyBatchEmitter.EmitSummary summary = f.tick(emitter(thresholds()));

        assertEquals(1, summary.emitted());
        assertEquals(List.of(ids.get(0).toString()), f.publishedBatchIds(), "lab-a's batch reached its own count of 5");
        assertEquals("emitted:count", OpenBatches.state(f.db, ids.get(0)));
        assertEquals("open", OpenBatches.state(f.db, ids.get(1)), "lab-b's batch of the same prefix keeps the stack's 20");
        assertEquals("lab-a", f.bus.entries("package-objects-ready").get(0).detail().path("bucket").asText());
    }

    @Test
    void aChangedFileTakesEffectAtTheNextCheckWithoutARedeploy() {
        List<UUID> ids = sameNamesInTwoBuckets();
        writeRules("""
                {"version": 1, "rules": [{"bucket": "lab-a", "prefix": "lab/", "quiet_seconds": 30}]}
                """);
        RulesFileThresholds thresholds = thresholds();
        ReadyBatchEmitter emitter = emitter(thresholds);
        assertEquals(1, f.tick(emitter).emitted(), "lab-a's quiet period is 30 s: a minute quiet is due");

        writeRules("""
                {"version": 1, "rules": [{"bucket": "lab-b", "prefix": "lab/run-1/", "quiet_seconds": 30}]}
                """);
        f.clock.advance(Duration.ofSeconds(10));
        assertEquals(0, f.tick(emitter).emitted(), "within the recheck period the rules read stay in force");
        f.clock.advance(RulesFileThresholds.RECHECK);
        assertEquals(1, f.tick(emitter).emitted(), "after it, lab-b's new rule is read and applies");
        assertEquals(List.of(ids.get(0).toString(), ids.get(1).toString()), f.publishedBatchIds());
    }

    @Test
    void aMalformedFileKeepsTheLastGoodRulesAndIsCountedAtEveryCheck() {
        List<UUID> ids = sameNamesInTwoBuckets();
        writeRules("{\"version\": 1, \"rules\": [{\"bucket\": \"lab-a\", \"event_count\": 5}]}");
        RulesFileThresholds thresholds = thresholds();
        ReadyBatchEmitter emitter = emitter(thresholds);
        f.tick(emitter);

        writeRules("""
                {"version": 1, "rules": [
                  {"bucket": "lab-b", "event_count": 0}]}
                """);
        UUID again = OpenBatches.insert(f.db, "lab-a", "lab/run-2/", 5, EmitFixture.T0, EmitFixture.T0);
        f.clock.advance(RulesFileThresholds.RECHECK);
        assertEquals(1, f.tick(emitter).emitted(), "the last good rule (lab-a at 5) still emits");
        assertEquals("emitted:count", OpenBatches.state(f.db, again));
        assertEquals("open", OpenBatches.state(f.db, ids.get(1)));
        assertEquals(1, metric("RulesFileRejected"));
        f.clock.advance(RulesFileThresholds.RECHECK);
        thresholds.current();
        assertEquals(2, metric("RulesFileRejected"), "an unchanged bad file is counted again at every check, so an alarm sees it");
    }

    @Test
    void aMalformedOrMissingFileAtColdStartMeansTheStacksDefaults() {
        OpenBatches.insert(f.db, "lab-a", "lab/run-1/", 20, EmitFixture.T0, EmitFixture.T0);
        writeRules("{\"version\": 1, \"rules\": [{\"bucket\": \"lab-a\", \"event_count\": 5}");

        assertEquals(1, f.tick(emitter(thresholds())).emitted(), "a count of 20 is due under the stack's rules");
        assertEquals(1, metric("RulesFileRejected"));

        s3.client().deleteObject(b -> b.bucket(CONFIG).key(KEY));
        OpenBatches.insert(f.db, "lab-b", "lab/run-1/", 20, EmitFixture.T0, EmitFixture.T0);
        assertEquals(1, f.tick(emitter(thresholds())).emitted(), "no file: the stack's rules");
        assertEquals(2, metric("RulesFileRejected"));
    }

    @Test
    void anUnchangedFileIsNotDownloadedAgain() {
        writeRules("{\"version\": 1, \"rules\": [{\"bucket\": \"lab-a\", \"event_count\": 5}]}");
        S3RulesFileReader reader = new S3RulesFileReader(s3.client(), CONFIG, KEY);
        var first = reader.fetch(Optional.empty());
        assertTrue(first instanceof com.quiltdata.edp.emit.port.RulesFileReader.Fetched.Content, first.toString());
        String etag = ((com.quiltdata.edp.emit.port.RulesFileReader.Fetched.Content) first).version();
        assertTrue(reader.fetch(Optional.of(etag)) instanceof com.quiltdata.edp.emit.port.RulesFileReader.Fetched.Unchanged);
    }
}

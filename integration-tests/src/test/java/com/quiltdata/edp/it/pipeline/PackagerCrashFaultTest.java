package com.quiltdata.edp.it.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.emit.testing.TestContext;
import com.quiltdata.edp.packager.PackagePrefix;
import com.quiltdata.edp.packager.PackagerHandler;
import com.quiltdata.edp.packager.PackagerHandlers;
import com.quiltdata.edp.packager.PackagerWiring;
import com.quiltdata.edp.packager.postgres.JdbcRevisionStore;
import com.quiltdata.edp.packager.s3.S3ContentHasher;
import com.quiltdata.edp.packager.s3.S3ObjectCopier;
import com.quiltdata.edp.packager.s3.S3ObjectLister;
import com.quiltdata.edp.packager.s3.S3ObjectReader;
import com.quiltdata.edp.packager.s3.S3PackageRegistry;
import com.quiltdata.edp.packager.sns.SnsNotifier;
import com.quiltdata.edp.packager.testing.CrashAt;
import com.quiltdata.edp.packager.testing.CrashAt.Step;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The packager killed between each two of its write steps (manifest, timestamp pointer, latest,
 * revision row, notice, and the bookkeeping around them) and once after it finished but before SQS
 * heard so, each on its own batch of the pipeline, then retried by the queue. Prints
 * {@code fault=packager_crash_between_steps ... lost=0 duplicated=0 notices_missing=0}.
 */
class PackagerCrashFaultTest {
    /** Not a packager step: the run finished, the process died before the message was deleted. */
    private static final String ACK_LOST = "ACK_LOST";

    @Test
    void packagerKilledBetweenEveryTwoWriteSteps() {
        // a visibility timeout longer than one handler call on a loaded machine; each retry waits it out
        try (Pipeline p = new Pipeline(Map.of(), 10)) {
            List<String> boundaries = new ArrayList<>();
            for (Step step : Step.values()) {
                boundaries.add(step.name());
            }
            boundaries.add(ACK_LOST);
            // Given one prefix per boundary, each a batch for the packager
            FaultsTest.workload(p, "crash", boundaries.size(), 6);
            p.store();
            p.clock.advance(p.quietPeriod().plusSeconds(1));
            p.tick();
            int batches = p.bus.entries("package-objects-ready").size();
            assertEquals(boundaries.size(), batches, "one batch per prefix");
            List<String> prefixes = new ArrayList<>(new TreeSet<>(p.bus.entries("package-objects-ready").stream()
                    .map(e -> e.detail().path("prefix").asText()).toList()));
            assertEquals(boundaries.size(), prefixes.size(), "one prefix per boundary");
            Map<String, String> boundaryOf = new HashMap<>();
            for (int i = 0; i < prefixes.size(); i++) {
                boundaryOf.put(prefixes.get(i), boundaries.get(i));
            }

            // When the packager dies at that boundary on each batch's first delivery, and the queue redelivers it
            CrashAt crash = new CrashAt();
            List<String> metricLines = new ArrayList<>();
            ExecutorService workers = PackagerWiring.workers(4);
            PackagerHandler handler = crashingPackager(p, crash, workers, metricLines);
            Set<String> crashed = new HashSet<>();
            SqsDriver driver = new SqsDriver(p.sqs.client(), p.packagerQueue.url(), p.functions.packagerBatchSize, event -> {
                List<String> ackLost = new ArrayList<>();
                for (SQSEvent.SQSMessage m : event.getRecords()) {
                    String prefix = EventRouter.json(m.getBody()).path("detail").path("prefix").asText();
                    String boundary = boundaryOf.get(prefix);
                    if (boundary != null && crashed.add(prefix)) {
                        if (boundary.equals(ACK_LOST)) {
                            ackLost.add(m.getMessageId());
                        } else {
                            crash.arm(Step.valueOf(boundary));
                        }
                    }
                }
                SQSBatchResponse response = handler.handleRequest(event, TestContext.withRemainingMillis(900_000));
                List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>(response.getBatchItemFailures());
                ackLost.forEach(id -> failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(id).build()));
                p.clock.advance(Duration.ofSeconds(1)); // pointers are named by the second: a retry is a later second
                return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
            });
            driver.drain(120_000);
            workers.shutdownNow();
            // and the emit Lambda announces what was recorded
            p.clock.advance(Duration.ofHours(1));
            p.tick();

            // Then every boundary was hit, and the registry, rows, notices and announcements are those of uncrashed runs
            assertEquals(new HashSet<>(prefixes), crashed);
            Result r = audit(p, prefixes);
            double created = sum(metricLines, "PackagesCreated");
            double failed = sum(metricLines, "PackagesFailed");
            int packageReady = p.bus.entries("package-ready").size();
            int deadLetters = p.takePackagerDeadLetters().size();
            System.out.println("fault=packager_crash_between_steps batches=" + batches + " boundaries=" + boundaries.size()
                    + " crashes=" + (int) failed + " lost=" + r.lost + " duplicated=" + r.duplicated + " notices_missing=" + r.noticesMissing
                    + " notices=" + r.notices + " created=" + (int) created + " killed_after_last_write=1 package_ready=" + packageReady + " dead_letters=" + deadLetters);
            assertEquals(List.of(), r.problems);
            assertEquals(0, r.lost);
            assertEquals(0, r.duplicated);
            assertEquals(0, r.noticesMissing);
            // a run killed after its last write (the open write closed) never returned, so it printed no metrics,
            // as any Lambda killed before its return; its retry finds the batch packaged: counted 0 times, not 2
            assertEquals(batches - 1, (int) created, "each revision counted as created once, but the one killed after its last write");
            assertEquals(boundaries.size() - 1, (int) failed, "every step boundary crashed once");
            assertEquals(batches, packageReady, "one package-ready per revision");
            assertEquals(0, deadLetters);
            assertEquals(0, p.db.scalar("SELECT count(*) FROM package_write"), "no write left open");
        }
    }

    private static PackagerHandler crashingPackager(Pipeline p, CrashAt crash, ExecutorService workers, List<String> metricLines) {
        S3Client s3 = p.s3.client();
        S3ObjectReader reader = new S3ObjectReader(s3);
        S3ContentHasher hasher = new S3ContentHasher(s3, S3ContentHasher.Options.defaults());
        SnsNotifier notifier = new SnsNotifier(p.sns.client(), Pipeline.TOPIC_ARN);
        PackagePrefix useCase = new PackagePrefix(new S3ObjectLister(s3), hasher, new S3ObjectCopier(s3, hasher), reader,
                crash.registry(new S3PackageRegistry(s3, reader)), crash.revisions(new JdbcRevisionStore(p.db.database())),
                crash.notifier(notifier), workers, p.clock, Duration.ZERO, Path.of(System.getProperty("java.io.tmpdir")));
        return PackagerHandlers.of(new PackagerWiring(useCase, notifier, p.clock), metricLines::add);
    }

    private record Result(int lost, int duplicated, int noticesMissing, int notices, List<String> problems) {}

    private static Result audit(Pipeline p, List<String> prefixes) {
        List<String> problems = new ArrayList<>();
        int lost = 0;
        int duplicated = 0;
        int noticesMissing = 0;
        Set<String> noticed = p.sns.published().stream().map(m -> EventRouter.json(m.message()))
                .filter(n -> n.path("type").asText().equals("package-created")).map(n -> n.path("top_hash").asText())
                .collect(Collectors.toSet());
        int notices = (int) p.sns.published().stream().filter(m -> m.message().contains("\"package-created\"")).count();
        for (String prefix : prefixes) {
            String name = prefix.substring(0, prefix.length() - 1);
            List<String> pointed = pointers(p, name);
            String latest = p.s3.client().getObjectAsBytes(b -> b.bucket(Pipeline.BUCKET)
                    .key(".quilt/named_packages/" + name + "/latest")).asUtf8String();
            // the latest revision lists exactly the prefix's objects
            if (!p.audit.manifest(latest, prefix).equals(p.audit.live(prefix))) {
                lost++;
                problems.add(name + ": latest revision does not list the prefix's objects");
            }
            // one timestamp pointer per revision
            Map<String, Long> perHash = pointed.stream().collect(Collectors.groupingBy(h -> h, Collectors.counting()));
            for (var e : perHash.entrySet()) {
                if (e.getValue() > 1) {
                    duplicated += (int) (e.getValue() - 1);
                    problems.add(name + ": " + e.getValue() + " timestamp pointers for " + e.getKey());
                }
            }
            long rows = p.db.scalar("SELECT count(*) FROM package_revision WHERE package_name = ?", name);
            if (rows != 1) {
                if (rows == 0) {
                    lost++;
                } else {
                    duplicated += (int) (rows - 1);
                }
                problems.add(name + ": " + rows + " revision rows");
            }
            if (!pointed.contains(latest) || perHash.size() != 1) {
                problems.add(name + ": pointers " + pointed + " and latest " + latest + " are not one revision");
            }
            if (!noticed.contains(latest)) {
                noticesMissing++;
                problems.add(name + ": no package-created notice for " + latest);
            }
        }
        return new Result(lost, duplicated, noticesMissing, notices, problems);
    }

    private static List<String> pointers(Pipeline p, String name) {
        S3Client s3 = p.s3.client();
        return s3.listObjectsV2Paginator(r -> r.bucket(Pipeline.BUCKET).prefix(".quilt/named_packages/" + name + "/")).contents()
                .stream().map(S3Object::key).filter(k -> !k.endsWith("/latest"))
                .map(k -> s3.getObjectAsBytes(r -> r.bucket(Pipeline.BUCKET).key(k)).asUtf8String()).toList();
    }

    private static double sum(List<String> metricLines, String metric) {
        double total = 0;
        for (String line : metricLines) {
            JsonNode node = EventRouter.json(line).get(metric);
            if (node != null) {
                total += node.asDouble();
            }
        }
        return total;
    }
}

package com.quiltdata.edp.it.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.quiltdata.edp.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The pipeline under faults. Each test runs a workload, breaks something, lets the pipeline settle
 * and runs the {@link Audit}: nothing lost, nothing counted twice. Each prints one summary line
 * ({@code fault=<name> events=<n> lost=0 duplicated=0 ...}).
 */
class FaultsTest {

    /** Writes {@code files} objects in each of {@code prefixes} folders, then overwrites and deletes a few. */
    static void workload(Pipeline p, String name, int prefixes, int files) {
        for (int f = 0; f < files; f++) {
            for (int i = 0; i < prefixes; i++) {
                p.source.put(Pipeline.BUCKET, "lab/" + name + "-" + i + "/sub/file-" + f + ".dat", name + " " + i + " " + f);
            }
        }
        for (int i = 0; i < prefixes; i++) {
            p.source.put(Pipeline.BUCKET, "lab/" + name + "-" + i + "/sub/file-0.dat", "overwritten");
            p.source.delete(Pipeline.BUCKET, "lab/" + name + "-" + i + "/sub/file-1.dat");
        }
    }

    static void assertClean(String fault, Audit.Report report, String extra) {
        System.out.println(report.summary(fault) + (extra.isEmpty() ? "" : " " + extra));
        assertEquals(List.of(), report.problems(), fault);
        assertEquals(0, report.lost(), fault);
        assertEquals(0, report.duplicated(), fault);
        assertEquals(0, report.sameIdTwoContents(), fault);
        assertTrue(report.events() > 0 && report.batches() > 0, fault + " ran no workload");
    }

    @Test
    void everyMessageDeliveredTwiceAndShuffled() {
        try (Pipeline p = new Pipeline()) {
            Random random = new Random(7);
            p.holdIngest(true);
            p.ingestFilter(bodies -> {
                List<String> twice = new ArrayList<>(bodies);
                twice.addAll(bodies);
                Collections.shuffle(twice, random);
                return twice;
            });
            workload(p, "dup", 4, 30);
            // the store handler is also invoked twice with the same batch, as a duplicate Lambda invocation is
            SqsDriver twiceInvoked = new SqsDriver(p.sqs.client(), p.ingest.url(), p.functions.storeBatchSize, event -> {
                p.functions.store(event);
                return p.functions.store(event);
            });
            p.flushIngest();
            twiceInvoked.drain(60_000);
            p.settle();
            Audit.Report report = p.audit.check(Set.of());
            long duplicates = (long) p.functions.metric("store", "EventsDuplicate");
            assertTrue(duplicates >= report.events(), "every event arrived at least twice; duplicates seen: " + duplicates);
            assertClean("duplicated_and_shuffled", report, "store_duplicates=" + duplicates);
            assertEquals(0, report.deadLetters());
        }
    }

    @Test
    void eventsDelayedUntilAfterTheirPrefixFired() {
        try (Pipeline p = new Pipeline()) {
            List<String> late = new ArrayList<>();
            p.holdIngest(true);
            p.ingestFilter(bodies -> {
                List<String> now = new ArrayList<>();
                for (String b : bodies) {
                    String key = EventRouter.json(b).path("detail").path("object").path("key").asText();
                    (key.endsWith("file-3.dat") || key.endsWith("file-4.dat") ? late : now).add(b);
                }
                return now;
            });
            workload(p, "late", 3, 10);
            p.flushIngest();
            // then a newer write of a late key goes straight through: the late, older event will be stale
            p.ingestFilter(bodies -> bodies);
            p.source.put(Pipeline.BUCKET, "lab/late-0/sub/file-3.dat", "newest");
            p.flushIngest();
            p.settle();
            int firedBefore = p.bus.entries("package-objects-ready").size();
            assertEquals(3, firedBefore, "each prefix fired without its late events");

            p.clock.advance(Duration.ofHours(2));
            late.forEach(p::sendIngest);
            p.settle();
            Audit.Report report = p.audit.check(Set.of());
            long stale = (long) p.functions.metric("store", "EventsStale");
            assertClean("delayed_after_fire", report, "late=" + late.size() + " stale=" + stale);
            assertTrue(report.batches() > firedBefore, "late events open new batches");
            assertTrue(stale >= 1, "the late, older write of late-0/sub/file-3.dat is stale");
            assertEquals(0, report.deadLetters());
        }
    }

    @Test
    void putEventsFailingForSomeEntriesThenRecovering() {
        try (Pipeline p = new Pipeline()) {
            workload(p, "bus", 6, 25);
            p.store();
            // odd prefixes' entries are refused, then the whole bus answers 500 for a while
            p.bus.failEntries(e -> e.detail().path("prefix").asText().matches("lab/bus-[135]/"), "InternalFailure");
            p.clock.advance(p.quietPeriod().plusSeconds(1));
            p.tick();
            int first = p.bus.entries("package-objects-ready").size();
            assertEquals(3, first, "only the even prefixes went out");
            p.bus.failNextCalls(50, 500);
            p.clock.advance(Duration.ofMinutes(1));
            p.tick();
            assertEquals(first, p.bus.entries("package-objects-ready").size(), "nothing goes out while the bus is down");
            p.bus.heal();
            p.clock.advance(Duration.ofMinutes(1));
            p.tick();
            p.settle();
            Audit.Report report = p.audit.check(Set.of());
            assertClean("put_events_failing", report, "failed_calls=" + (p.bus.calls() - p.bus.callSizes().size()));
            assertEquals(6, report.batches());
            assertEquals(0, report.deadLetters());
        }
    }

    @Test
    void emitCrashAfterPublishWhileTheBatchKeepsGrowing() {
        try (Pipeline p = new Pipeline()) {
            // Given two prefixes of five files each, quiet, and an emit function that dies right
            // after PutEvents succeeded, before it recorded the batches as announced
            for (int f = 0; f < 5; f++) {
                for (int i = 0; i < 2; i++) {
                    p.source.put(Pipeline.BUCKET, "lab/crash-" + i + "/file-" + f + ".dat", "crash " + i + " " + f);
                }
            }
            p.store();
            p.clock.advance(p.quietPeriod().plusSeconds(1));
            p.functions.crashEmitAfterNextPublish();
            assertThrows(Functions.EmitCrashed.class, p::tick);
            p.routeBus();
            List<String> announced = p.bus.entries("package-objects-ready").stream()
                    .map(e -> e.detail().path("batch_id").asText()).toList();
            assertEquals(2, announced.size(), "both batches went out before the crash");
            // the packager takes them as they stand
            p.packageAll();

            // When a file arrives in each prefix before the next tick, and the pipeline settles
            for (int i = 0; i < 2; i++) {
                p.source.put(Pipeline.BUCKET, "lab/crash-" + i + "/file-5.dat", "late " + i);
            }
            p.store();
            p.settle();

            // Then the late files are in the next batches, never in the announced ones
            Audit.Report report = p.audit.check(Set.of());
            long republished = p.bus.entries("package-objects-ready").stream()
                    .filter(e -> announced.contains(e.detail().path("batch_id").asText())).count() - announced.size();
            assertClean("emit_crash_after_publish", report, "republished=" + republished);
            assertEquals(2, republished, "the batches announced before the crash were announced again");
            assertEquals(4, report.batches(), "the late files opened new batches");
            assertEquals(0, report.deadLetters());
        }
    }

    @Test
    void poisonMessagesMixedIntoBatches() throws Exception {
        try (Pipeline p = new Pipeline()) {
            // valid but hard: keys of exactly 1024 UTF-8 bytes with unicode, SQL metacharacters in keys and metadata
            String longPrefix = "lab/long-ünïcödé/";
            StringBuilder name = new StringBuilder(longPrefix);
            while (name.toString().getBytes(StandardCharsets.UTF_8).length + 2 <= 1024 - 4) {
                name.append("é");
            }
            while (name.toString().getBytes(StandardCharsets.UTF_8).length < 1024 - 4) {
                name.append("x");
            }
            String longKey = name + ".txt";
            assertEquals(1024, longKey.getBytes(StandardCharsets.UTF_8).length);
            p.holdIngest(true);
            p.source.put(Pipeline.BUCKET, longKey, "long");
            List<String> sqlKeys = List.of("lab/sql/'; DROP TABLE object_event; --.csv", "lab/sql/a%_\"50%.csv",
                    "lab/sql/$$ OR 1=1 $$.csv", "lab/sql/x'||(SELECT 1)||'.csv");
            for (String k : sqlKeys) {
                p.source.put(Pipeline.BUCKET, k, "sql");
            }
            p.source.put(Pipeline.BUCKET, "lab/sql/quilt_metadata.json", "{\"note\": \"'); DROP TABLE package_revision; --\", \"q\": \"$$\"}");
            workload(p, "ok", 2, 10);

            String valid = p.source.writes().get(0).event().toString();
            String wrongBucket = valid.replace(Pipeline.BUCKET, "someone-elses-bucket");
            List<String> poison = new ArrayList<>(List.of(
                    "this is not JSON",
                    "   ",
                    "[1, 2, 3]",
                    "\"a string\"",
                    "{}",
                    "{\"detail-type\": \"Object Created\", \"source\": \"aws.s3\"}",
                    "{\"detail-type\": \"Object Created\", \"source\": \"aws.s3\", \"id\": \"p1\", \"time\": \"not a time\", \"detail\": {}}",
                    valid.replace("\"size\":", "\"size\":-").replaceFirst("\"id\":\"[^\"]+\"", "\"id\":\"p2\""),
                    "{\"Records\": [{\"eventName\": \"ObjectCreated:Put\"}]}",
                    valid.replace("\"source\":\"aws.s3\"", "\"source\":\"'; DELETE FROM batch; --\""),
                    wrongBucket,
                    valid.replaceFirst("\"key\":\"[^\"]+\"", "\"key\":\"lab/x/" + "%E2%82%AC".repeat(400) + "\"")
                            .replaceFirst("\"id\":\"[^\"]+\"", "\"id\":\"p3\"")));
            // 1 MiB: over SQS's historical 256 KiB, so it is mixed straight into a batch below
            String huge = "{\"detail-type\":\"Object Created\",\"source\":\"aws.s3\",\"pad\":\"" + "x".repeat(1 << 20) + "\"}";

            List<String> sent = new ArrayList<>();
            p.ingestFilter(bodies -> {
                List<String> mixed = new ArrayList<>(bodies);
                mixed.addAll(poison);
                Collections.shuffle(mixed, new Random(3));
                return mixed;
            });
            p.flushIngest();
            sent.addAll(poison);

            // one batch by hand with the 1 MiB body mixed in: it fails alone
            List<Message> batch = SqsDriver.receive(p.sqs.client(), p.ingest.url(), p.functions.storeBatchSize);
            SQSEvent event = SqsDriver.event(batch, p.ingest.arn());
            SQSEvent.SQSMessage big = new SQSEvent.SQSMessage();
            big.setMessageId("huge-1MiB");
            big.setBody(huge);
            event.getRecords().add(event.getRecords().size() / 2, big);
            SQSBatchResponse response = p.functions.store(event);
            Set<String> failed = new HashSet<>();
            response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
            assertTrue(failed.contains("huge-1MiB"), "the 1 MiB body is reported failed");
            Set<String> expectedFailed = new HashSet<>();
            for (Message m : batch) {
                if (poison.contains(m.body())) {
                    expectedFailed.add(m.messageId());
                }
            }
            expectedFailed.add("huge-1MiB");
            assertEquals(expectedFailed, failed, "exactly the poison messages of the batch fail");
            for (Message m : batch) {
                if (!failed.contains(m.messageId())) {
                    p.sqs.client().deleteMessage(r -> r.queueUrl(p.ingest.url()).receiptHandle(m.receiptHandle()));
                }
            }

            p.settle();
            List<String> dead = p.takeIngestDeadLetters();
            List<String> notDead = sent.stream().filter(b -> !dead.contains(b)).map(FaultsTest::abbreviate).toList();
            List<String> wronglyDead = dead.stream().filter(b -> !sent.contains(b)).map(FaultsTest::abbreviate).toList();
            assertEquals(List.of(), notDead, "poison messages that were not dead-lettered");
            assertEquals(List.of(), wronglyDead, "valid messages that were dead-lettered");
            assertEquals(sent.size(), dead.size());
            assertTrue(p.db.scalar("SELECT count(*) FROM object_event WHERE bucket <> ?", Pipeline.BUCKET) == 0);
            Audit.Report report = p.audit.check(Set.of());
            assertClean("poison_messages", report, "poison=" + (sent.size() + 1) + " dead_lettered=" + dead.size());
            assertTrue(p.audit.live("lab/sql/").size() == sqlKeys.size() + 1);
        }
    }

    @Test
    void postgresRestartedDuringAStreamOfBatches() {
        assumeTrue(TestDatabase.isEmbedded(), "TEST_PG_URL names an external server, which this test cannot restart");
        try (Pipeline p = new Pipeline(Map.of(), 2)) {
            int rounds = 8;
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < 40; i++) {
                    p.source.put(Pipeline.BUCKET, "lab/pg-" + (round % 3) + "/r" + round + "/f" + i + ".dat", "round " + round);
                }
                if (round == 3) {
                    TestDatabase.stopEmbeddedKeepingData();
                }
                p.storeDriver.pollOnce();
                try {
                    p.clock.advance(Duration.ofSeconds(30));
                    p.tick();
                } catch (RuntimeException databaseDown) {
                    // the emit tick fails while the database is down; the next one picks up
                }
                if (round == 4) {
                    TestDatabase.startEmbeddedAgain();
                }
            }
            p.settle();
            long failedMessages = (long) p.functions.metric("store", "MessagesFailed");
            Audit.Report report = p.audit.check(Set.of());
            assertClean("postgres_restart", report, "failed_messages=" + failedMessages);
            assertTrue(failedMessages > 0, "the store saw the database down");
            assertEquals(0, report.deadLetters(), "messages retried while the database was down are not dead-lettered");
        } finally {
            TestDatabase.startEmbeddedAgain();
        }
    }

    @Test
    void storeProcessKilledMidBatch() throws Exception {
        try (Pipeline p = new Pipeline(Map.of(), 2)) {
            workload(p, "kill", 5, 60);
            // first: killed after the handler committed, before it acknowledged (the whole batch comes back)
            Process paused = startStoreWorker(p, "--pause-after-handle");
            try (BufferedReader out = new BufferedReader(new InputStreamReader(paused.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null && !line.startsWith("HANDLED")) {
                    // startup output
                }
                assertTrue(line != null, "the store worker stopped before HANDLED");
                kill(paused);
            } finally {
                paused.destroyForcibly();
            }
            // more writes arrive while the killed batch waits out its visibility timeout
            workload(p, "kill-after-1", 2, 5);

            // then: killed inside its transaction. The test holds the batch table, so the worker's
            // transaction stops at its first write there, after it wrote the batch's events and key
            // states; it is killed exactly then, and only then is the table let go.
            long recordedBefore = p.db.scalar("SELECT count(*) FROM object_event");
            try (Connection holder = p.db.connect()) {
                holder.setAutoCommit(false);
                try (Statement st = holder.createStatement()) {
                    st.execute("LOCK TABLE batch IN SHARE MODE");
                }
                Process inTransaction = startStoreWorker(p, "");
                try {
                    long backend = awaitWriterWaitingForBatch(p, inTransaction);
                    kill(inTransaction);
                    holder.commit();
                    awaitGone(p, backend);
                } finally {
                    inTransaction.destroyForcibly();
                }
            }
            assertEquals(recordedBefore, p.db.scalar("SELECT count(*) FROM object_event"),
                    "the killed transaction's writes were rolled back");
            workload(p, "kill-after-2", 2, 5);

            p.settle();
            long duplicates = (long) p.functions.metric("store", "EventsDuplicate");
            Audit.Report report = p.audit.check(Set.of());
            assertClean("store_killed_mid_batch", report, "kills=2 killed_in_transaction=1 redelivered_duplicates=" + duplicates);
            assertTrue(duplicates > 0, "the batch committed by the killed process came back and was recognised");
            assertEquals(0, report.deadLetters());
        }
    }

    /** The store handler in a child JVM polling the pipeline's ingest queue ({@link StoreWorker}). */
    static Process startStoreWorker(Pipeline p, String mode) throws java.io.IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.javaBin(), "-cp", System.getProperty("java.class.path"), StoreWorker.class.getName(),
                p.db.jdbcUrl(), p.db.user(), p.db.password(), p.sqs.client().serviceClientConfiguration().endpointOverride().get().toString(),
                p.ingest.url(), Pipeline.BUCKET, Integer.toString(p.functions.storeBatchSize)));
        if (!mode.isEmpty()) {
            command.add(mode);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (mode.isEmpty()) {
            // nobody reads its progress lines; a full pipe must not stop it
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        return builder.start();
    }

    static void kill(Process child) throws InterruptedException {
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the store worker did not die");
    }

    /**
     * The database backend of a transaction that has written (it has a transaction id) and now
     * waits for a lock on the batch table.
     */
    static long awaitWriterWaitingForBatch(Pipeline p, Process child) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertTrue(child.isAlive(), "the store worker died on its own");
            long pid = p.db.scalar("SELECT coalesce(min(a.pid), 0) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                    + " WHERE NOT l.granted AND l.relation = 'batch'::regclass AND a.backend_xid IS NOT NULL");
            if (pid != 0) {
                return pid;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no store transaction came to wait for the batch table");
    }

    /** Waits until the server has ended a backend (its client died; it rolls back its transaction). */
    static void awaitGone(Pipeline p, long backend) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.db.scalar("SELECT count(*) FROM pg_stat_activity WHERE pid = ?", (int) backend) > 0) {
            assertTrue(System.nanoTime() < deadline, "backend " + backend + " of the killed worker is still there");
            Thread.sleep(20);
        }
    }

    static String abbreviate(String body) {
        return body.length() <= 120 ? body : body.substring(0, 120) + "...(" + body.length() + " chars)";
    }

    /** Where the running JVM's java binary is. */
    static final class Path {
        static String javaBin() {
            return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }
    }
}

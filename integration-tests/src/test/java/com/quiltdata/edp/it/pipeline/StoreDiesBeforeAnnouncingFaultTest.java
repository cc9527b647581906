package com.quiltdata.edp.it.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.emit.testing.FakeEventBridge;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Announcing on the event that made a batch ready (ADR 0207), and the fault in its middle: a store
 * invocation that dies after its commit made a batch ready and before its request for an immediate
 * tick went out. The batch must still be announced exactly once, by the next scheduled tick, within
 * one tick period and a second of becoming ready, in simulated time.
 */
class StoreDiesBeforeAnnouncingFaultTest {
    private static final int COUNT = 5;

    /** The store's process ending between its commit and its invoke: nothing after that line runs. */
    static final class StoreDied extends Error {
        StoreDied() {
            super("store process died after its commit, before it asked for a tick");
        }
    }

    private static Pipeline pipeline() {
        return new Pipeline(Map.of("BucketThresholdEventCount", Integer.toString(COUNT)), 1);
    }

    private static Duration tickPeriod(Pipeline p) {
        return Duration.ofSeconds(Long.parseLong(p.functions.parameters.get("EmitTickSeconds")));
    }

    private static List<FakeEventBridge.Entry> announcementsOf(Pipeline p, String prefix) {
        return p.bus.entries("package-objects-ready").stream().filter(e -> e.detail().path("prefix").asText().equals(prefix)).toList();
    }

    private static Instant emittedAt(Pipeline p, String batchId) {
        return Instant.ofEpochMilli(p.db.scalar("SELECT (extract(epoch FROM emitted_at) * 1000)::bigint FROM batch WHERE batch_id = ?::uuid",
                batchId));
    }

    @Test
    void storeDyingBetweenItsCommitAndItsAnnouncementLeavesTheBatchToTheNextTick() {
        try (Pipeline p = pipeline()) {
            // Given a store whose process dies right after every commit that made a batch ready
            AtomicInteger deaths = new AtomicInteger();
            p.functions.announceOnCommit(() -> {
                deaths.incrementAndGet();
                throw new StoreDied();
            });
            SqsDriver dying = new SqsDriver(p.sqs.client(), p.ingest.url(), p.functions.storeBatchSize, event -> {
                try {
                    return p.functions.store(event);
                } catch (StoreDied died) {
                    // Lambda sees a failed invocation: no batch response, the messages come back after the visibility timeout
                    throw new IllegalStateException(died.getMessage(), died);
                }
            });

            // When the files that complete a batch's count arrive in one SQS batch
            p.holdIngest(true);
            for (int f = 0; f < COUNT; f++) {
                p.source.put(Pipeline.BUCKET, "lab/died-0/file-" + f + ".dat", "died " + f);
            }
            p.flushIngest();
            Instant readyAt = p.clock.instant();
            dying.drain(60_000);

            // Then the commit stood (the redelivery found duplicates), no announcement went out and nothing asked again
            assertEquals(1, deaths.get(), "the redelivered messages are duplicates: they make nothing ready again");
            assertTrue(dying.handlerErrors() >= 1, "the invocation that died counts as failed");
            assertEquals(COUNT, p.db.scalar("SELECT object_count FROM batch WHERE prefix = 'lab/died-0/' AND state = 'open'"));
            p.routeBus();
            assertEquals(List.of(), announcementsOf(p, "lab/died-0/"), "nothing announced before a tick");

            // When the schedule's next tick comes, at worst a whole period later
            p.clock.advance(tickPeriod(p));
            p.tick();

            // Then that tick announced the batch, by count, within a tick period and a second of its readiness
            List<FakeEventBridge.Entry> announced = announcementsOf(p, "lab/died-0/");
            assertEquals(1, announced.size());
            assertEquals("count", announced.get(0).detail().path("trigger").asText());
            String batchId = announced.get(0).detail().path("batch_id").asText();
            Duration delay = Duration.between(readyAt, emittedAt(p, batchId));
            assertTrue(delay.compareTo(tickPeriod(p).plusSeconds(1)) <= 0, "announced " + delay + " after it became ready");

            // and, once everything settled, exactly once, with nothing lost or duplicated
            p.settle();
            assertEquals(1, p.bus.entries("package-objects-ready").stream()
                    .filter(e -> e.detail().path("batch_id").asText().equals(batchId)).count());
            Audit.Report report = p.audit.check(Set.of());
            FaultsTest.assertClean("store_died_before_announcing", report, "delay_ms=" + delay.toMillis());
            assertEquals(0, report.deadLetters());
        }
    }

    @Test
    void aCommitThatMakesABatchReadyAnnouncesItWithoutWaitingForATick() {
        try (Pipeline p = pipeline()) {
            // Given the deployed wiring: the store's request runs one emit tick at once
            AtomicInteger requests = new AtomicInteger();
            p.functions.announceOnCommit(() -> {
                requests.incrementAndGet();
                p.functions.emitImmediately();
            });

            // When one file short of the count arrives, then the last one
            p.holdIngest(true);
            for (int f = 0; f < COUNT - 1; f++) {
                p.source.put(Pipeline.BUCKET, "lab/now-0/file-" + f + ".dat", "now " + f);
            }
            p.flushIngest();
            p.store();
            p.routeBus();
            assertEquals(0, requests.get(), "not ready yet: no request");
            assertEquals(List.of(), announcementsOf(p, "lab/now-0/"));

            Instant readyAt = p.clock.instant();
            p.source.put(Pipeline.BUCKET, "lab/now-0/file-" + (COUNT - 1) + ".dat", "now last");
            p.flushIngest();
            p.store();
            p.routeBus();

            // Then the batch went out with no tick at all, at the moment it became ready
            assertEquals(1, requests.get());
            List<FakeEventBridge.Entry> announced = announcementsOf(p, "lab/now-0/");
            assertEquals(1, announced.size());
            assertEquals(COUNT, announced.get(0).detail().path("object_count").asInt());
            assertEquals(readyAt, emittedAt(p, announced.get(0).detail().path("batch_id").asText()));

            // and a file arriving after it opens the next batch, which is not ready and asks for nothing
            p.source.put(Pipeline.BUCKET, "lab/now-0/file-late.dat", "late");
            p.flushIngest();
            p.store();
            assertEquals(1, requests.get());
            p.settle();
            Audit.Report report = p.audit.check(Set.of());
            FaultsTest.assertClean("immediate_announce", report, "requests=" + requests.get());
            assertEquals(2, report.batches());
        }
    }
}

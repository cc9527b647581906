package com.quiltdata.edp.emit;

import static com.quiltdata.edp.emit.testing.EmitFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.emit.ReadyBatchEmitter.EmitSummary;
import com.quiltdata.edp.emit.FlushBatch.Outcome;
import com.quiltdata.edp.emit.domain.BusEvent;
import com.quiltdata.edp.emit.domain.ReadinessRules;
import com.quiltdata.edp.emit.domain.Trigger;
import com.quiltdata.edp.emit.jq.JqReadyFilter;
import com.quiltdata.edp.emit.port.EventPublisher;
import com.quiltdata.edp.emit.port.PublishResult;
import com.quiltdata.edp.emit.port.ReadyFilter;
import com.quiltdata.edp.emit.testing.EmitFixture;
import com.quiltdata.edp.emit.testing.FakeEventBridge;
import com.quiltdata.edp.emit.testing.OpenBatches;
import com.quiltdata.edp.observe.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReadyBatchEmitterTest {
    private static final String BUCKET = "amzn-s3-demo-bucket";
    /** count 5, quiet 300 s, max age off, sentinel _SUCCESS. */
    private static final ReadinessRules RULES = new ReadinessRules(5, Duration.ofSeconds(300), Duration.ZERO, List.of("_SUCCESS"));

    private final EmitFixture f = new EmitFixture();

    @AfterEach
    void close() {
        f.close(); // also validates every published event against its JSON Schema
    }

    private String stateOf(UUID id) {
        return OpenBatches.state(f.db, id);
    }

    @Nested
    @DisplayName("Readiness by count")
    class Count {
        @Test
        void shouldFireWhenDistinctCreatedObjectsReachTheThreshold() {
            // Given a batch of 5 files and one of 4, both active just now
            UUID five = OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 5, T0, T0);
            UUID four = OpenBatches.insert(f.db, BUCKET, "lab/run-2/", 4, T0, T0);

            // When a tick runs a minute later
            f.clock.advance(Duration.ofMinutes(1));
            EmitSummary summary = f.tick(f.emitter(RULES));

            // Then only the batch at the threshold fired, by count
            assertEquals(Map.of(Trigger.COUNT, 1), summary.emittedByTrigger());
            assertEquals("emitted:count", stateOf(five));
            assertEquals("open", stateOf(four));
            assertEquals(List.of(five.toString()), f.publishedBatchIds());
        }

        @Test
        void shouldReportPerTriggerHowLongEachBatchWaitedForItsAnnouncement() {
            // Given a batch that reached its count at 10:00:00 and one quiet since 09:55:00 (ready at 10:00:00)
            OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 5, T0, T0);
            OpenBatches.insert(f.db, BUCKET, "lab/run-2/", 2, T0.minusSeconds(300), T0.minusSeconds(300));

            // When a tick announces them 3.5 s later
            f.clock.set(T0.plusMillis(3500));
            EmitSummary summary = f.tick(f.emitter(RULES));

            // Then each trigger has one delay of 3.5 s, measured to the moment the bus accepted it
            assertEquals(Map.of(Trigger.COUNT, List.of(Duration.ofMillis(3500)), Trigger.QUIET, List.of(Duration.ofMillis(3500))),
                    summary.announceDelays());
        }

        @Test
        void shouldNotCountDeletedObjects() {
            UUID id = OpenBatches.batch(BUCKET, "lab/run-1/").files(4).deleted("gone.csv").insert(f.db);
            f.tick(f.emitter(RULES));
            assertEquals("open", stateOf(id));
        }
    }

    @Nested
    @DisplayName("Readiness by quiet period")
    class Quiet {
        @Test
        void shouldFireWhenNoActivityForTheQuietPeriod() {
            // Given the last activity at 10:00:00 and a 300 s quiet period
            UUID id = OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 2, T0, T0);
            ReadyBatchEmitter emitter = f.emitter(RULES);

            // When the clock reaches 10:04:59, then nothing
            f.clock.set(T0.plusSeconds(299));
            assertEquals(0, f.tick(emitter).emitted());
            assertEquals("open", stateOf(id));

            // When the clock reaches 10:05:00, then the prefix is ready
            f.clock.set(T0.plusSeconds(300));
            EmitSummary summary = f.tick(emitter);
            assertEquals(Map.of(Trigger.QUIET, 1), summary.emittedByTrigger());
            assertEquals("emitted:quiet", stateOf(id));
            assertEquals(Optional.of(Duration.ZERO), summary.maxLag());
        }

        @Test
        void shouldMeasureTheLagFromTheEndOfTheQuietPeriod() {
            OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 2, T0, T0);
            f.clock.set(T0.plusSeconds(300 + 42));
            assertEquals(Optional.of(Duration.ofSeconds(42)), f.tick(f.emitter(RULES)).maxLag());
        }
    }

    @Nested
    @DisplayName("Readiness by max age")
    class MaxAge {
        private final ReadinessRules withMaxAge = new ReadinessRules(5, Duration.ofSeconds(300), Duration.ofSeconds(3600), List.of());

        @Test
        void shouldFireAnOldBatchEvenWhileWritesContinue() {
            // Given a batch opened at 10:00 that keeps receiving a file every minute
            UUID id = OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 1, T0, T0);
            ReadyBatchEmitter emitter = f.emitter(withMaxAge);
            for (int minute = 1; minute < 60; minute++) {
                f.clock.set(T0.plusSeconds(minute * 60L));
                OpenBatches.addFile(f.db, id, "lab/run-1/late-" + minute + ".csv", 1, f.clock.instant());
            }
            // (more than the count threshold by now, so use a high one to isolate max age)
            ReadinessRules highCount = new ReadinessRules(1000, Duration.ofSeconds(300), Duration.ofSeconds(3600), List.of());
            emitter = f.emitter(highCount);

            // When 59:59 have passed, then nothing
            f.clock.set(T0.plusSeconds(3599));
            assertEquals(0, f.tick(emitter).emitted());

            // When an hour has passed, then it fires by max age
            f.clock.set(T0.plusSeconds(3600));
            assertEquals(Map.of(Trigger.MAX_AGE, 1), f.tick(emitter).emittedByTrigger());
            assertEquals("emitted:max_age", stateOf(id));
        }

        @Test
        void shouldNeverFireByAgeWhenMaxAgeIsOff() {
            UUID id = OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 1, T0, T0.plusSeconds(10 * 3600));
            f.clock.set(T0.plusSeconds(10 * 3600 + 10));
            assertEquals(0, f.tick(f.emitter(RULES)).emitted());
            assertEquals("open", stateOf(id));
        }
    }

    @Nested
    @DisplayName("Readiness by sentinel")
    class Sentinel {
        @Test
        void shouldFireAtTheNextTickWhenASentinelFileArrives() {
            UUID id = OpenBatches.batch(BUCKET, "lab/run-1/").files(1).file("_SUCCESS", 0).insert(f.db);
            EmitSummary summary = f.tick(f.emitter(RULES));
            assertEquals(Map.of(Trigger.SENTINEL, 1), summary.emittedByTrigger());
            assertEquals("emitted:sentinel", stateOf(id));
        }

        @Test
        void shouldIgnoreADeletedSentinelAndSentinelsInSubfolderNamesOnly() {
            UUID deleted = OpenBatches.batch(BUCKET, "lab/run-1/").files(1).deleted("_SUCCESS").insert(f.db);
            UUID lookalike = OpenBatches.batch(BUCKET, "lab/run-2/").files(1).file("_SUCCESS/data.csv", 1).insert(f.db);
            f.tick(f.emitter(RULES));
            assertEquals("open", stateOf(deleted));
            assertEquals("open", stateOf(lookalike));
        }

        @Test
        void shouldBeOffWhenNoSentinelsAreConfigured() {
            UUID id = OpenBatches.batch(BUCKET, "lab/run-1/").files(1).file("_SUCCESS", 0).insert(f.db);
            f.tick(f.emitter(new ReadinessRules(5, Duration.ofSeconds(300), Duration.ZERO, List.of())));
            assertEquals("open", stateOf(id));
        }

        @Test
        void shouldLookAgainWhenAFileArrivesInABatchAlreadyLookedAt() {
            // Given a batch looked at once and found without a sentinel
            UUID id = OpenBatches.batch(BUCKET, "lab/run-1/").files(1).insert(f.db);
            ReadyBatchEmitter emitter = f.emitter(RULES);
            f.tick(emitter);
            assertEquals(1, f.count("SELECT count(*) FROM batch_sentinel_check WHERE batch_id = ? AND NOT sentinel_seen", id));

            // When the sentinel arrives, then the next tick fires the batch and forgets the answer
            f.clock.advance(Duration.ofSeconds(30));
            OpenBatches.addFile(f.db, id, "lab/run-1/_SUCCESS", 0, f.clock.instant());
            f.clock.advance(Duration.ofSeconds(30));
            assertEquals(Map.of(Trigger.SENTINEL, 1), f.tick(emitter).emittedByTrigger());
            assertEquals(0, f.count("SELECT count(*) FROM batch_sentinel_check"));
        }

        @Test
        void shouldLookAgainWhenTheSentinelListChanges() {
            UUID id = OpenBatches.batch(BUCKET, "lab/run-1/").files(1).file("ro-crate-metadata.json", 10).insert(f.db);
            f.tick(f.emitter(RULES));
            assertEquals("open", stateOf(id));
            ReadinessRules crates = new ReadinessRules(5, Duration.ofSeconds(300), Duration.ZERO, List.of("_SUCCESS", "ro-crate-metadata.json"));
            assertEquals(Map.of(Trigger.SENTINEL, 1), f.tick(f.emitter(crates)).emittedByTrigger());
        }

        @Test
        void shouldPreferSentinelOverCountWhenBothHold() {
            OpenBatches.batch(BUCKET, "lab/run-1/").files(9).file("_SUCCESS", 0).insert(f.db);
            assertEquals(Map.of(Trigger.SENTINEL, 1), f.tick(f.emitter(RULES)).emittedByTrigger());
        }
    }

    @Nested
    @DisplayName("The published event")
    class Event {
        @Test
        void shouldCarryTheDocumentedDetailAndEnvelope() {
            UUID id = OpenBatches.batch(BUCKET, "lab/run 7+β/").file("a.csv", 1000).file("b.csv", 24).deleted("c.csv")
                    .openedAt(T0).lastActivityAt(T0.plusSeconds(5)).insert(f.db);
            f.clock.set(T0.plusSeconds(400));
            f.tick(f.emitter(RULES));

            FakeEventBridge.Entry entry = f.bus.entries().get(0);
            assertEquals(EmitFixture.BUS, entry.eventBusName());
            assertEquals("com.quiltdata.edp", entry.source());
            assertEquals("package-objects-ready", entry.detailType());
            assertEquals(List.of("arn:aws:s3:::" + BUCKET), entry.resources());
            JsonNode d = entry.detail();
            assertEquals("0.1", d.path("version").asText());
            assertEquals(BUCKET, d.path("bucket").asText());
            assertEquals("lab/run 7+β/", d.path("prefix").asText());
            assertEquals(id.toString(), d.path("batch_id").asText());
            assertEquals(2, d.path("object_count").asInt());
            assertEquals(1, d.path("deleted_count").asInt());
            assertEquals(1024, d.path("total_bytes").asLong());
            assertEquals("2026-11-02T10:00:00Z", d.path("first_event_time").asText());
            assertEquals("2026-11-02T10:00:05Z", d.path("last_event_time").asText());
            assertEquals("quiet", d.path("trigger").asText());
        }

        @Test
        void shouldPublishANewBatchOpenedByLateEventsAfterAFire() {
            // Given a prefix that fired
            UUID first = OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 5, T0, T0);
            ReadyBatchEmitter emitter = f.emitter(RULES);
            f.tick(emitter);

            // When late files open a new batch for the same prefix (as the store does) and it goes quiet
            f.clock.advance(Duration.ofMinutes(2));
            UUID second = OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 2, f.clock.instant(), f.clock.instant());
            f.tick(emitter);
            assertEquals(List.of(first.toString()), f.publishedBatchIds());
            f.clock.advance(Duration.ofMinutes(5));
            f.tick(emitter);

            // Then each batch was announced once, the second as a new batch of the same prefix
            assertEquals(List.of(first.toString(), second.toString()), f.publishedBatchIds());
            assertEquals("emitted:count", stateOf(first));
            assertEquals("emitted:quiet", stateOf(second));
        }
    }

    @Nested
    @DisplayName("The ready filter (fail closed)")
    class Filter {
        private Optional<ReadyFilter> filter(String expression) {
            return Optional.of(JqReadyFilter.compile(expression));
        }

        @Test
        void shouldFireOnlyBatchesTheFilterAccepts() {
            UUID complete = OpenBatches.batch(BUCKET, "lab/run-1/").file("a.csv", 10).file("b.csv", 20).insert(f.db);
            UUID partial = OpenBatches.batch(BUCKET, "lab/run-2/").file("a.csv", 10).file("b.csv", 0).insert(f.db);
            f.clock.set(T0.plusSeconds(600));

            EmitSummary summary = f.tick(f.emitter(RULES, filter("all(.[]; .size > 0)")));

            assertEquals(Map.of(Trigger.QUIET, 1), summary.emittedByTrigger());
            assertEquals(1, summary.held());
            assertEquals("emitted:quiet", stateOf(complete));
            assertEquals("open", stateOf(partial));
        }

        @ParameterizedTest(name = "{0} keeps the batch waiting ({1})")
        @CsvSource(delimiter = '#', value = {
            "false                  # false",
            "null                   # null",
            "empty                  # no output",
            ".[] | true             # more than one output",
            "\"true\"               # \"true\"",
            "1                      # 1",
            ".[0].key | tonumber    # error:",
            "error(\"incomplete\")  # error:"})
        void shouldKeepTheBatchWaitingUnlessTheOnlyOutputIsTrue(String expression, String reason) {
            UUID id = OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 2, T0, T0);
            f.clock.set(T0.plusSeconds(600));

            EmitSummary summary = f.tick(f.emitter(RULES, filter(expression.trim())));

            assertEquals(0, summary.emitted());
            assertEquals("open", stateOf(id));
            assertEquals(1, f.count("SELECT count(*) FROM batch_hold WHERE batch_id = ? AND reason LIKE ?", id, reason.trim() + "%"));
        }

        @Test
        void shouldLogAFilterErrorOncePerBatchAndNotReEvaluateAnUnchangedBatch() {
            UUID id = OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 2, T0, T0);
            f.clock.set(T0.plusSeconds(600));
            ReadyBatchEmitter emitter = f.emitter(RULES, filter(".[0].key | tonumber"));

            String logs = captureLogs(() -> {
                assertEquals(1, f.tick(emitter).held());
                f.clock.advance(Duration.ofMinutes(1));
                assertEquals(0, f.tick(emitter).held(), "an unchanged held batch is not claimed again");
                f.clock.advance(Duration.ofMinutes(1));
                f.tick(emitter);
            });

            assertEquals(1, logs.lines().filter(l -> l.contains("ready filter failed")).count(), logs);
            assertTrue(logs.contains(id.toString()));
            assertEquals("open", stateOf(id));
        }

        @Test
        void shouldReEvaluateAHeldBatchWhenItChanges() {
            UUID id = OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 2, T0, T0);
            f.clock.set(T0.plusSeconds(600));
            ReadyBatchEmitter emitter = f.emitter(RULES, filter("length >= 3"));
            assertEquals(1, f.tick(emitter).held());

            // a third file arrives; after another quiet period the filter accepts the batch
            OpenBatches.addFile(f.db, id, "lab/run-1/third.csv", 5, f.clock.instant());
            f.clock.advance(Duration.ofSeconds(300));
            assertEquals(Map.of(Trigger.QUIET, 1), f.tick(emitter).emittedByTrigger());
            assertEquals(0, f.count("SELECT count(*) FROM batch_hold"));
        }

        @Test
        void shouldReEvaluateHeldBatchesWhenTheFilterChanges() {
            OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 2, T0, T0);
            f.clock.set(T0.plusSeconds(600));
            f.tick(f.emitter(RULES, filter("false")));
            assertEquals(Map.of(Trigger.QUIET, 1), f.tick(f.emitter(RULES, filter("length == 2"))).emittedByTrigger());
        }

        @Test
        void shouldStillFireAHeldBatchByMaxAge() {
            ReadinessRules withMaxAge = new ReadinessRules(5, Duration.ofSeconds(300), Duration.ofSeconds(3600), List.of("_SUCCESS"));
            UUID id = OpenBatches.batch(BUCKET, "lab/run-1/").files(6).file("_SUCCESS", 0).insert(f.db);
            ReadyBatchEmitter emitter = f.emitter(withMaxAge, filter("false"));
            f.clock.set(T0.plusSeconds(60));
            assertEquals(1, f.tick(emitter).held());

            f.clock.set(T0.plusSeconds(3600));
            assertEquals(Map.of(Trigger.MAX_AGE, 1), f.tick(emitter).emittedByTrigger());
            assertEquals("emitted:max_age", stateOf(id));
        }
    }

    @Nested
    @DisplayName("Delivery")
    class Delivery {
        @Test
        void shouldNeverEmitTheSameBatchFromTwoConcurrentTicks() throws Exception {
            // Given 300 due batches and a slow bus, so the two ticks overlap
            Set<String> due = OpenBatches.insertMany(f.db, 300, i -> OpenBatches.batch(BUCKET, "lab/run-" + i + "/").files(5))
                    .stream().map(UUID::toString).collect(Collectors.toSet());
            f.bus.delayEachCall(Duration.ofMillis(20));
            ReadyBatchEmitter a = f.emitter(RULES);
            ReadyBatchEmitter b = f.emitter(RULES);

            // When both tick at once
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<EmitSummary>> results = pool.invokeAll(List.<Callable<EmitSummary>>of(() -> f.tick(a), () -> f.tick(b)));
                int total = 0;
                for (Future<EmitSummary> r : results) {
                    total += r.get().emitted();
                }
                // Then every batch was published exactly once, split between them
                assertEquals(300, total);
                assertTrue(results.get(0).get().emitted() > 0 && results.get(1).get().emitted() > 0,
                        "both ticks did some of the work");
            } finally {
                pool.shutdownNow();
            }
            List<String> published = f.publishedBatchIds();
            assertEquals(300, published.size());
            assertEquals(due, new HashSet<>(published));
            assertEquals(0, f.count("SELECT count(*) FROM batch WHERE state = 'open'"));
        }

        @Test
        void shouldRetryFailedEntriesOnTheNextTick() {
            // Given 25 due batches, 3 of which the bus rejects
            List<UUID> ids = OpenBatches.insertMany(f.db, 25, i -> OpenBatches.batch(BUCKET, "lab/run-" + i + "/").files(5));
            Set<String> rejected = Set.of("lab/run-3/", "lab/run-13/", "lab/run-23/");
            f.bus.failEntries(e -> rejected.contains(e.detail().path("prefix").asText()), "ThrottlingException");
            ReadyBatchEmitter emitter = f.emitter(RULES);

            // When a tick runs, then 22 are emitted and the 3 stay closed, to be announced again
            EmitSummary first = f.tick(emitter);
            assertEquals(22, first.emitted());
            assertEquals(3, first.publishFailures());
            assertEquals(3, f.count("SELECT count(*) FROM batch WHERE state = 'closed' AND publishing_until IS NULL"));
            assertTrue(f.bus.callSizes().stream().allMatch(n -> n <= 10), "at most 10 entries per PutEvents");

            // When the bus recovers and the next tick runs, then the 3 go out, nothing twice
            f.bus.heal();
            f.clock.advance(Duration.ofMinutes(1));
            EmitSummary second = f.tick(emitter);
            assertEquals(3, second.emitted());
            assertEquals(3, second.republished());
            List<String> published = f.publishedBatchIds();
            assertEquals(25, published.size());
            assertEquals(ids.stream().map(UUID::toString).collect(Collectors.toSet()), new HashSet<>(published));
        }

        @Test
        void shouldPublishARoundInParallelCallsAndRetryItsRefusedEntriesOnceOnTheNextTick() {
            // Given a wave of 100 due batches (one round: ten calls of ten), a bus slow enough that calls
            // overlap, and seven refused entries spread over several of the round's calls
            List<UUID> ids = OpenBatches.insertMany(f.db, 100, i -> OpenBatches.batch(BUCKET, "lab/run-" + i + "/").files(5));
            Set<String> refused = Set.of(3, 17, 24, 48, 59, 71, 99).stream().map(i -> "lab/run-" + i + "/").collect(Collectors.toSet());
            f.bus.delayEachCall(Duration.ofMillis(100)).failEntries(e -> refused.contains(e.detail().path("prefix").asText()), "ThrottlingException");
            ReadyBatchEmitter emitter = f.emitter(RULES);

            // When a tick runs
            EmitSummary first = f.tick(emitter);

            // Then its calls were in flight together, never more than the pool allows, ten entries at most each
            assertTrue(f.bus.maxCallsInFlight() > 1, "calls overlapped: " + f.bus.maxCallsInFlight());
            assertTrue(f.bus.maxCallsInFlight() <= EmitWiring.PUBLISH_CALLS_AT_ONCE, "at most the pool: " + f.bus.maxCallsInFlight());
            assertTrue(f.bus.callSizes().stream().allMatch(n -> n <= 10), "at most 10 entries per PutEvents");
            // and the accepted 93 are emitted, the refused 7 stay closed and unmarked, their lease given back
            assertEquals(93, first.emitted());
            assertEquals(7, first.publishFailures());
            assertEquals(93, f.count("SELECT count(*) FROM batch WHERE state = 'emitted' AND emitted_at IS NOT NULL"));
            assertEquals(7, f.count("SELECT count(*) FROM batch WHERE state = 'closed' AND emitted_at IS NULL AND publishing_until IS NULL"
                    + " AND prefix = ANY (?::text[])", (Object) refused.toArray(String[]::new)));

            // When the bus accepts them again and the next tick runs
            f.bus.heal();
            f.clock.advance(Duration.ofMinutes(1));
            EmitSummary second = f.tick(emitter);

            // Then exactly the 7 go out, each once, and every batch id was announced once in all
            assertEquals(7, second.emitted());
            assertEquals(7, second.republished());
            List<String> published = f.publishedBatchIds();
            assertEquals(100, published.size());
            assertEquals(ids.stream().map(UUID::toString).collect(Collectors.toSet()), new HashSet<>(published));
            assertEquals(100, f.count("SELECT count(*) FROM batch WHERE state = 'emitted'"));
            assertEquals(0, f.tick(emitter).emitted(), "nothing is left to announce");
        }

        @Test
        void shouldStopAndKeepEverythingDueWhenTheBusIsDown() {
            OpenBatches.insertMany(f.db, 15, i -> OpenBatches.batch(BUCKET, "lab/run-" + i + "/").files(5));
            f.bus.failNextCalls(1000, 500);
            ReadyBatchEmitter emitter = f.emitter(RULES);

            EmitSummary down = f.tick(emitter);
            assertTrue(down.interrupted());
            assertEquals(0, down.emitted());
            assertEquals(15, f.count("SELECT count(*) FROM batch WHERE state <> 'emitted'"));

            f.bus.heal();
            assertEquals(15, f.tick(emitter).emitted());
        }

        @Test
        void shouldRepublishTheSameContentAfterACrashBetweenPublishAndMark() {
            // Given due batches and a process that dies right after PutEvents succeeded
            UUID one = OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 5, T0, T0);
            UUID two = OpenBatches.insert(f.db, BUCKET, "lab/run-2/", 5, T0, T0);
            EventPublisher crashing = crashingAfterPublish(f.publisher());

            // When the tick crashes, then the events went out and the batches are closed, not emitted
            assertThrows(IllegalStateException.class, () -> f.tick(f.emitter(RULES, Optional.empty(), crashing)));
            List<JsonNode> first = f.bus.entries("package-objects-ready").stream().map(e -> e.detail()).toList();
            assertEquals(2, first.size());
            assertEquals("closed:count", stateOf(one));
            assertEquals("closed:count", stateOf(two));

            // When the next tick runs after the crashed invocation's lease, then it publishes the
            // same batch ids with the same content and marks them emitted
            f.clock.advance(ReadyBatchEmitter.MAX_LEASE.plusSeconds(1));
            EmitSummary again = f.tick(f.emitter(RULES));
            assertEquals(2, again.emitted());
            assertEquals(2, again.republished());
            List<JsonNode> all = f.bus.entries("package-objects-ready").stream().map(e -> e.detail()).toList();
            assertEquals(4, all.size());
            assertEquals(Set.copyOf(first), Set.copyOf(all.subList(2, 4)));
            assertEquals("emitted:count", stateOf(one));
            assertEquals("emitted:count", stateOf(two));
        }

        @Test
        void shouldPublishOnceABatchClosedByAnInvocationThatDiedBeforePutEvents() {
            // Given a due batch and a process that dies after the close committed, before PutEvents
            UUID id = OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 5, T0, T0);
            EventPublisher dying = new EventPublisher() {
                @Override
                public <E extends BusEvent> PublishResult<E> publish(List<E> events) {
                    throw new IllegalStateException("simulated crash before PutEvents");
                }
            };
            assertThrows(IllegalStateException.class, () -> f.tick(f.emitter(RULES, Optional.empty(), dying)));
            assertEquals("closed:count", stateOf(id));
            assertTrue(f.publishedBatchIds().isEmpty());

            // When a tick runs after the lease, then the batch goes out once, with its recorded trigger
            f.clock.advance(ReadyBatchEmitter.MAX_LEASE.plusSeconds(1));
            assertEquals(Map.of(Trigger.COUNT, 1), f.tick(f.emitter(RULES)).emittedByTrigger());
            assertEquals(List.of(id.toString()), f.publishedBatchIds());
            assertEquals("emitted:count", stateOf(id));
        }

        @Test
        void shouldLeaveBatchesClosedByALiveInvocationToIt() {
            // Given batches closed by an invocation that may still be publishing (its lease runs)
            OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 5, T0, T0);
            assertThrows(IllegalStateException.class, () -> f.emitter(RULES, Optional.empty(), crashingAfterPublish(f.publisher()))
                    .emitDue(() -> Duration.ofSeconds(50)));

            // When another tick runs within the lease, then it does not publish them a second time
            f.clock.advance(Duration.ofSeconds(49));
            assertEquals(0, f.tick(f.emitter(RULES)).emitted());
            assertEquals(1, f.publishedBatchIds().size());

            // and once the lease is over, it does
            f.clock.advance(Duration.ofSeconds(2));
            assertEquals(1, f.tick(f.emitter(RULES)).republished());
            assertEquals(2, f.publishedBatchIds().size());
        }

        @Test
        void shouldCloseTheBatchBeforePublishing() {
            // Given a due batch and a bus that looks at the batch's row while the event is put
            UUID id = OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 5, T0, T0);
            EventPublisher real = f.publisher();
            List<String> statesSeenByTheBus = new ArrayList<>();
            EventPublisher looking = new EventPublisher() {
                @Override
                public <E extends BusEvent> PublishResult<E> publish(List<E> events) {
                    statesSeenByTheBus.add(stateOf(id));
                    return real.publish(events);
                }
            };

            // When a tick publishes it, then the batch was already closed (committed, seen from
            // another connection) when PutEvents ran, so the store could not add to it any more
            assertEquals(1, f.tick(f.emitter(RULES, Optional.empty(), looking)).emitted());
            assertEquals(List.of("closed:count"), statesSeenByTheBus);
            assertEquals("emitted:count", stateOf(id));
        }

        @Test
        void shouldAnnounceWhatAnEventMadeReadyInTheFirstRoundAheadOfAQuietBacklog() {
            // Given 250 batches quiet since an hour ago, then a batch that reached its count and one
            // whose sentinel arrived, both opened after all of them
            OpenBatches.insertMany(f.db, 250, i -> OpenBatches.batch(BUCKET, "lab/quiet-" + i + "/").files(2)
                    .openedAt(T0.minusSeconds(3600 - i)).lastActivityAt(T0.minusSeconds(3600 - i)));
            UUID counted = OpenBatches.insert(f.db, BUCKET, "lab/counted/", 5, T0, T0);
            UUID finished = OpenBatches.batch(BUCKET, "lab/finished/").files(1).file("_SUCCESS", 0).openedAt(T0).insert(f.db);

            // When one tick announces them all, a round of 100 at a time
            f.clock.set(T0.plusSeconds(1));
            EmitSummary summary = f.tick(f.emitter(RULES));

            // Then the two an event made ready went out in the first round, and the backlog after them
            assertEquals(Map.of(Trigger.QUIET, 250, Trigger.COUNT, 1, Trigger.SENTINEL, 1), summary.emittedByTrigger());
            List<String> order = f.publishedBatchIds();
            assertEquals(252, order.size());
            assertTrue(order.indexOf(counted.toString()) < EmitWiring.ROUND_SIZE, "count-ready batch published at " + order.indexOf(counted.toString()));
            assertTrue(order.indexOf(finished.toString()) < EmitWiring.ROUND_SIZE, "sentinel batch published at " + order.indexOf(finished.toString()));
        }

        @Test
        void shouldStopBeforeTheDeadlineAndNeverHalfMarkABacklog() {
            // Given a backlog of 250 due batches and an invocation with 15 s left, where every
            // PutEvents call takes a second and 10 s are kept in reserve
            OpenBatches.insertMany(f.db, 250, i -> OpenBatches.batch(BUCKET, "lab/run-" + i + "/").files(5));
            AtomicInteger remainingSeconds = new AtomicInteger(15);
            Deadline deadline = () -> Duration.ofSeconds(remainingSeconds.get() - f.bus.calls());
            ReadyBatchEmitter emitter = new ReadyBatchEmitter(new com.quiltdata.edp.emit.postgres.JdbcBatchRepository(f.database()),
                    f.publisher(), RULES, Optional.empty(), f.clock, Duration.ofSeconds(10), EmitWiring.ROUND_SIZE);

            // When the tick runs
            EmitSummary summary = emitter.emitDue(deadline);

            // Then it stopped early; exactly the published batches are marked, the rest stay due
            assertTrue(summary.stoppedEarly());
            assertEquals(60, summary.emitted());
            Set<String> published = new HashSet<>(f.publishedBatchIds());
            assertEquals(60, published.size());
            Set<String> marked = new HashSet<>();
            try (var c = f.db.connect(); var rs = c.createStatement().executeQuery("SELECT batch_id FROM batch WHERE state = 'emitted'")) {
                while (rs.next()) {
                    marked.add(rs.getString(1));
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
            assertEquals(published, marked);
            assertEquals(190, f.count("SELECT count(*) FROM batch WHERE state <> 'emitted'"));

            // When the next invocation has time, then it finishes the backlog
            assertEquals(190, f.tick(f.emitter(RULES)).emitted());
            assertEquals(250, f.publishedBatchIds().size());
        }
    }

    @Nested
    @DisplayName("Manual flush")
    class Flush {
        @Test
        void shouldFireTheOpenBatchOfAPrefixNowWithTriggerManual() {
            UUID id = OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 1, T0, T0);
            // a stack whose ready filter holds everything: a flush fires all the same
            f.tick(f.emitter(RULES, Optional.of(JqReadyFilter.compile("false"))));

            Outcome outcome = f.flusher().flush(BUCKET, "lab/run-1/");

            assertEquals(Outcome.Status.EMITTED, outcome.status());
            assertEquals(Optional.of(id), outcome.batchId());
            assertEquals("emitted:manual", stateOf(id));
            assertEquals("manual", f.bus.entries().get(0).detail().path("trigger").asText());
        }

        @Test
        void shouldSayWhenThereIsNoOpenBatch() {
            assertEquals(Outcome.Status.NONE_OPEN, f.flusher().flush(BUCKET, "lab/nothing/").status());
            assertTrue(f.bus.entries().isEmpty());
        }

        @Test
        void shouldLeaveTheBatchToTheNextTickWhenPublishingFails() {
            UUID id = OpenBatches.insert(f.db, BUCKET, "lab/run-1/", 1, T0, T0);
            f.bus.failEntries(e -> true, "InternalFailure");
            Outcome outcome = f.flusher().flush(BUCKET, "lab/run-1/");
            assertEquals(Outcome.Status.PUBLISH_FAILED, outcome.status());
            assertEquals("closed:manual", stateOf(id));
            assertTrue(outcome.detail().contains("InternalFailure") && outcome.detail().contains("next emit tick"), outcome.detail());

            f.bus.heal();
            EmitSummary next = f.tick(f.emitter(RULES));
            assertEquals(Map.of(Trigger.MANUAL, 1), next.emittedByTrigger());
            assertEquals("emitted:manual", stateOf(id));
        }
    }

    /** A publisher whose process dies right after PutEvents returned. */
    private static EventPublisher crashingAfterPublish(EventPublisher real) {
        return new EventPublisher() {
            @Override
            public <E extends BusEvent> PublishResult<E> publish(List<E> events) {
                real.publish(events);
                throw new IllegalStateException("simulated crash after PutEvents");
            }
        };
    }

    private static String captureLogs(Runnable body) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Log.redirect(new PrintStream(buffer, true, StandardCharsets.UTF_8), false);
        try {
            body.run();
        } finally {
            Log.redirect(System.out, false);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unused")
    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }
}

package com.quiltdata.edp.it.bench;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.emit.EmitHandler;
import com.quiltdata.edp.emit.testing.FakeEventBridge;
import com.quiltdata.edp.emit.testing.TestContext;
import com.quiltdata.edp.it.CloudFormationTemplate;
import com.quiltdata.edp.it.pipeline.Functions;
import com.quiltdata.edp.it.pipeline.S3EventSource;
import com.quiltdata.edp.store.StoreHandler;
import com.quiltdata.edp.testing.FakeSns;
import com.quiltdata.edp.testing.InProcessS3;
import com.quiltdata.edp.testing.TestDatabase;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The pipeline at the shape the template deploys (ADR 0600, ADR 0207): {@code StoreMaxConcurrency}
 * store execution environments, each the real handler with its own database connection, consume
 * SQS-sized batches (the template's BatchSize) concurrently against one PostgreSQL; each store
 * environment's request for an immediate tick is an asynchronous emit invocation (a pool of emit
 * environments, as Lambda queues and runs them); the schedule's ticks run every
 * {@code EmitTickSeconds}; then a sample of the announced batches is packaged by the real packager
 * from S3Mock.
 *
 * <p>Time is simulated: one clock, which the functions read, runs with the wall clock from the
 * start of the run. The workload opens prefixes in windows of {@value #WINDOW} whose files
 * arrive interleaved (as a busy bucket's do); of every ten prefixes one ends with a sentinel
 * ({@code _SUCCESS}) before its count, one stops short of the count and waits for the quiet period,
 * and eight reach the count. The bench measures, from its own records and not from the code's: when
 * the store invocation that made each batch ready returned (count: the last of its files; sentinel:
 * the sentinel), when each prefix's last file arrived (quiet), and when each announcement reached the
 * bus (a watcher polls it every {@value #WATCH_MILLIS} ms). {@code lost} compares what was sent
 * with what the database recorded, what the batches hold and what the bus carried, and packages a
 * sample. Last line:
 * {@code pipeline events=<n> seconds=<s> events_per_s=<r> consumers=<c> p99_count_announce_s=<x>
 * p99_sentinel_announce_s=<y> p99_quiet_late_s=<z> lost=<l>}; {@code seconds} is the time to store
 * every event.
 *
 * <p>Arguments: [events=1000000] [files per count prefix=20 (the default count threshold)]
 * [sampled batches=20] [quiet seconds=30] [consumers=the template's StoreMaxConcurrency]
 */
public final class PipelineBench {
    private static final String BUCKET = "edp-bench-data";
    private static final String SENTINEL = "_SUCCESS";
    static final int WINDOW = 1000;
    static final int WATCH_MILLIS = 20;

    /** What a prefix is made to test. */
    enum Kind { COUNT, SENTINEL, QUIET }

    /** Events of the warm-up run, which compiles the hot code before the measured run (0: none). */
    static final int WARM_UP_EVENTS = Integer.getInteger("edp.bench.warmUpEvents", 100_000);

    public static void main(String[] args) throws Exception {
        try {
            if (WARM_UP_EVENTS > 0) {
                warmUp(args);
            }
            measure(args, System.out, false);
        } finally {
            TestDatabase.shutdownEmbedded();
        }
        System.exit(0); // in-process emulators leave non-daemon threads behind
    }

    /** The clock every function reads: the wall clock since the start, from 2026-11-02T10:00:00Z. */
    static final class RunClock extends Clock {
        private final Instant t0;
        private final long startNanos = System.nanoTime();
        private final AtomicLong jumpedNanos = new AtomicLong();

        RunClock(Instant t0) {
            this.t0 = t0;
        }

        long nanos() {
            return System.nanoTime() - startNanos + jumpedNanos.get();
        }

        /** Moves simulated time forward (the final wait for what is left). */
        void jump(Duration d) {
            jumpedNanos.addAndGet(d.toNanos());
        }

        @Override
        public Instant instant() {
            return t0.plusNanos(nanos());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * Which prefix and file each event is, in arrival order; each prefix's kind, planned size and
     * the number of its events actually sent (the last window may be cut short).
     */
    record Layout(Kind[] kinds, int[] prefixOf, short[] fileOf, int[] planned, int[] sent) {
        static Layout of(int events, int perPrefix) {
            int[] prefixOf = new int[events];
            short[] fileOf = new short[events];
            List<Kind> kinds = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            int i = 0;
            while (i < events) {
                int first = kinds.size();
                for (int p = 0; p < WINDOW; p++) {
                    int id = first + p;
                    Kind kind = id % 10 == 0 ? Kind.SENTINEL : id % 10 == 1 ? Kind.QUIET : Kind.COUNT;
                    kinds.add(kind);
                    // sentinel: half the count, then _SUCCESS; quiet: half the count and nothing more
                    sizes.add(kind == Kind.COUNT ? perPrefix : kind == Kind.SENTINEL ? perPrefix / 2 + 1 : perPrefix / 2);
                }
                for (int round = 0; round < perPrefix && i < events; round++) {
                    for (int p = 0; p < WINDOW && i < events; p++) {
                        if (round < sizes.get(first + p)) {
                            prefixOf[i] = first + p;
                            fileOf[i] = (short) round;
                            i++;
                        }
                    }
                }
            }
            int[] sent = new int[kinds.size()];
            for (int e = 0; e < events; e++) {
                sent[prefixOf[e]]++;
            }
            return new Layout(kinds.toArray(Kind[]::new), prefixOf, fileOf, sizes.stream().mapToInt(Integer::intValue).toArray(), sent);
        }

        int prefixes() {
            return kinds.length;
        }

        boolean complete(int p) {
            return sent[p] == planned[p];
        }

        /** A sentinel prefix's last planned file is the sentinel. */
        boolean isSentinel(int event) {
            int p = prefixOf[event];
            return kinds[p] == Kind.SENTINEL && fileOf[event] == planned[p] - 1;
        }

        String key(int event) {
            return isSentinel(event) ? prefix(prefixOf[event]) + SENTINEL : PipelineBench.key(prefixOf[event], fileOf[event]);
        }
    }

    /**
     * The same pipeline, smaller, on its own schema, emulators and functions, so the JIT compilers
     * have compiled the hot code before the measured run: on the deployed shape they run in each
     * function's environment, not on the database's cores as here (ADR 0010). A short quiet period
     * and no packaging keep it brief; its last line is printed after "warm-up:".
     */
    private static void warmUp(String[] args) throws Exception {
        String consumers = args.length > 4 ? args[4] : "";
        String perPrefix = args.length > 1 ? args[1] : "20";
        var lines = new java.io.ByteArrayOutputStream();
        measure(new String[] {Integer.toString(WARM_UP_EVENTS), perPrefix, "0", "5", consumers}, new PrintStream(lines, true), true);
        String report = lines.toString(java.nio.charset.StandardCharsets.UTF_8).strip();
        System.out.println("warm-up: " + report.substring(report.lastIndexOf('\n') + 1));
    }

    /** @param throwaway drop the schema at the end, so autovacuum does not visit it during a later run */
    private static void measure(String[] args, PrintStream out, boolean throwaway) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int perPrefix = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int sample = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int quietSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        PrintStream console = System.out;
        Path log = Path.of("target", "bench-pipeline.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        System.setOut(new PrintStream(new FileOutputStream(log.toFile()), false));

        Instant t0 = Instant.parse("2026-11-02T10:00:00Z");
        TestDatabase db = TestDatabase.create();
        InProcessS3 s3 = InProcessS3.start();
        s3.createBucket(BUCKET, true);
        FakeEventBridge bus = FakeEventBridge.start();
        FakeSns sns = FakeSns.start();
        CloudFormationTemplate template = CloudFormationTemplate.edp();
        Map<String, String> params = Map.of("BucketName", BUCKET, "EventBusName", "edp-bench-bus",
                "BucketThresholdEventCount", Integer.toString(perPrefix), "BucketReadySentinels", SENTINEL,
                "BucketThresholdDuration", Integer.toString(quietSeconds));
        RunClock clock = new RunClock(t0);
        Functions functions = new Functions(template, params, db, clock, s3.client(), sns.client(), bus.endpoint(),
                "arn:aws:sns:us-east-1:123456789012:edp-bench");
        int consumers = args.length > 4 && !args[4].isBlank() ? Integer.parseInt(args[4]) : Integer.parseInt(functions.parameters.get("StoreMaxConcurrency"));
        Duration tick = Duration.ofSeconds(Long.parseLong(functions.parameters.get("EmitTickSeconds")));
        int batchSize = functions.storeBatchSize;
        Layout layout = Layout.of(events, perPrefix);
        int prefixes = layout.prefixes();

        // the sampled prefixes (count kind, complete) really exist, so the packager can package them
        List<Integer> sampled = new ArrayList<>();
        int sampleEvery = Math.max(1, prefixes / Math.max(1, sample));
        for (int p = 2; p < prefixes && sampled.size() < sample; p += sampleEvery) {
            if (layout.kinds()[p] == Kind.COUNT && layout.complete(p)) {
                sampled.add(p);
            }
        }
        Map<String, String> sampleVersions = new HashMap<>();
        for (int p : sampled) {
            for (int f = 0; f < perPrefix; f++) {
                String key = key(p, f);
                var r = s3.client().putObject(b -> b.bucket(BUCKET).key(key), software.amazon.awssdk.core.sync.RequestBody.fromString("bench " + key));
                sampleVersions.put(key, r.versionId());
            }
        }

        // the bench's own record: per prefix, nanos on the run clock (0 = not yet)
        AtomicLongArray lastCommit = new AtomicLongArray(prefixes);   // the store call holding its last file returned
        AtomicLongArray lastArrival = new AtomicLongArray(prefixes);  // the store call holding its last file started
        AtomicLongArray sentinelCommit = new AtomicLongArray(prefixes);
        long[] announcedAt = new long[prefixes];
        String[] announcedTrigger = new String[prefixes];
        Map<String, Integer> prefixIds = new HashMap<>();
        for (int p = 0; p < prefixes; p++) {
            prefixIds.put(prefix(p), p);
        }

        // emit: asynchronous invocations from the store, each in an environment of its own, and the schedule's ticks
        ThreadLocal<EmitHandler> emitEnvironment = ThreadLocal.withInitial(functions::newEmitEnvironment);
        ExecutorService immediate = Executors.newFixedThreadPool(consumers);
        AtomicInteger requests = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger scheduledTicks = new AtomicInteger();
        // a failed invocation is retried by Lambda (immediate) or followed by the next schedule; counted, never fatal to the run
        AtomicInteger failedInvocations = new AtomicInteger();
        Thread schedule = new Thread(() -> {
            EmitHandler handler = functions.newEmitEnvironment();
            for (long k = 1; running.get(); k++) {
                long boundary = tick.toNanos() * k;
                while (running.get() && clock.nanos() < boundary) {
                    sleepMillis(Math.max(1, (boundary - clock.nanos()) / 1_000_000));
                }
                if (running.get()) {
                    invokeCounting(() -> functions.invoke(handler, false), failedInvocations);
                    scheduledTicks.incrementAndGet();
                    k = Math.max(k, clock.nanos() / tick.toNanos()); // a tick that overran skips the boundaries it missed
                }
            }
        }, "emit-schedule");
        int[] cursor = {0};
        Runnable watch = () -> {
            List<FakeEventBridge.Entry> fresh = bus.entriesFrom(cursor[0]);
            long now = clock.nanos();
            for (FakeEventBridge.Entry e : fresh) {
                if (e.detailType().equals("package-objects-ready")) {
                    Integer p = prefixIds.get(e.detail().path("prefix").asText());
                    if (p != null && announcedAt[p] == 0) {
                        announcedAt[p] = now;
                        announcedTrigger[p] = e.detail().path("trigger").asText();
                    }
                }
            }
            cursor[0] += fresh.size();
        };
        Thread watcher = new Thread(() -> {
            while (running.get()) {
                synchronized (cursor) {
                    watch.run();
                }
                sleepMillis(WATCH_MILLIS);
            }
        }, "bus-watcher");

        // store: StoreMaxConcurrency environments take the SQS batches in order
        int batches = (events + batchSize - 1) / batchSize;
        AtomicInteger next = new AtomicInteger();
        List<Thread> stores = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong storeThreadsCpu = new AtomicLong(); // the store handlers' own CPU (this JVM's part of the store)
        for (int c = 0; c < consumers; c++) {
            stores.add(new Thread(() -> {
                StoreHandler handler = functions.newStoreEnvironment(() -> {
                    requests.incrementAndGet();
                    immediate.submit(() -> invokeCounting(() -> functions.invoke(emitEnvironment.get(), true), failedInvocations));
                });
                try {
                    for (int b = next.getAndIncrement(); b < batches; b = next.getAndIncrement()) {
                        int from = b * batchSize;
                        int to = Math.min(events, from + batchSize);
                        List<SQSEvent.SQSMessage> records = new ArrayList<>(to - from);
                        Instant now = clock.instant();
                        for (int i = from; i < to; i++) {
                            String key = layout.key(i);
                            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
                            m.setMessageId("m" + i);
                            m.setBody(event(i, key, sampleVersions.getOrDefault(key, UUID.randomUUID().toString()), now));
                            records.add(m);
                        }
                        long called = clock.nanos();
                        store(handler, records);
                        long returned = clock.nanos();
                        for (int i = from; i < to; i++) {
                            int p = layout.prefixOf()[i];
                            lastCommit.accumulateAndGet(p, returned, Math::max);
                            lastArrival.accumulateAndGet(p, called, Math::max);
                            if (layout.isSentinel(i)) {
                                sentinelCommit.set(p, returned);
                            }
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    storeThreadsCpu.addAndGet(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                }
            }, "store-" + c));
        }
        long postmaster = postmasterPid(db);
        double pgCpu0 = postgresCpuSeconds(postmaster);
        double jvmCpu0 = jvmCpuSeconds();
        double jit0 = jitSeconds();
        long busCpu0 = bus.cpuNanos();
        int busCalls0 = bus.calls();
        schedule.start();
        watcher.start();
        long start = System.nanoTime();
        stores.forEach(Thread::start);
        for (Thread t : stores) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // process CPU while storing (item 3 of issue 17: what limits events_per_s on this machine)
        double jvmCpu = jvmCpuSeconds() - jvmCpu0;
        double jit = jitSeconds() - jit0;
        double pgCpu = postgresCpuSeconds(postmaster) - pgCpu0;
        double busCpu = (bus.cpuNanos() - busCpu0) / 1e9;
        int busCalls = bus.calls() - busCalls0;
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a store environment failed", failures.get(0));
        }

        // the schedule keeps ticking until every prefix was announced: quiet ones a quiet period after their last file
        long waitUntil = clock.nanos() + Duration.ofSeconds(quietSeconds).plus(tick.multipliedBy(3)).toNanos();
        while (clock.nanos() < waitUntil && announcedCount(announcedAt) < prefixes) {
            sleepMillis(200);
        }
        running.set(false);
        schedule.join();
        watcher.join();
        immediate.shutdown();
        immediate.awaitTermination(2, TimeUnit.MINUTES);
        synchronized (cursor) {
            watch.run();
        }
        // what is still open (a batch split by a late file) goes out on quiet
        clock.jump(Duration.ofSeconds(quietSeconds + 1));
        functions.emitTick();

        // delays per trigger kind, from the bench's own records
        List<Double> countDelays = new ArrayList<>();
        List<Double> sentinelDelays = new ArrayList<>();
        List<Double> quietLateness = new ArrayList<>();
        int unannounced = 0;
        Map<String, Integer> byTrigger = new java.util.TreeMap<>();
        for (int p = 0; p < prefixes; p++) {
            if (announcedAt[p] == 0) {
                unannounced++;
                continue;
            }
            byTrigger.merge(layout.kinds()[p].name().toLowerCase(Locale.ROOT) + "->" + announcedTrigger[p], 1, Integer::sum);
            Kind kind = layout.kinds()[p];
            if (kind == Kind.COUNT && layout.complete(p)) {
                countDelays.add(Math.max(0, announcedAt[p] - lastCommit.get(p)) / 1e9);
            } else if (kind == Kind.SENTINEL && sentinelCommit.get(p) > 0) {
                sentinelDelays.add(Math.max(0, announcedAt[p] - sentinelCommit.get(p)) / 1e9);
            } else if (kind == Kind.QUIET) {
                long deadline = lastArrival.get(p) + Duration.ofSeconds(quietSeconds).toNanos();
                quietLateness.add((announcedAt[p] - deadline) / 1e9);
            }
        }

        // lost, computed: events sent that no emitted batch accounts for, or never recorded
        long sent = events;
        long recorded = db.scalar("SELECT count(*) FROM object_event");
        long inEmitted = db.scalar("SELECT coalesce(sum(object_count), 0) FROM batch WHERE state = 'emitted'");
        long announced = 0;
        Map<String, JsonNode> byPrefix = new HashMap<>();
        Map<String, JsonNode> byBatchId = new HashMap<>();
        int announcedTwice = 0; // the same batch id on the bus again (concurrent ticks must never do this)
        for (FakeEventBridge.Entry e : bus.entries("package-objects-ready")) {
            announced += e.detail().path("object_count").asLong();
            byPrefix.putIfAbsent(e.detail().path("prefix").asText(), e.detail());
            if (byBatchId.putIfAbsent(e.detail().path("batch_id").asText(), e.detail()) != null) {
                announcedTwice++;
            }
        }
        long lost = Math.max(0, sent - recorded) + Math.max(0, sent - inEmitted) + Math.max(0, sent - announced);

        // package the sampled batches with the real packager
        List<SQSEvent.SQSMessage> toPackage = new ArrayList<>();
        int n = 0;
        for (int p : sampled) {
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
        }
        for (int i = 0; i < toPackage.size(); i += functions.packagerBatchSize) {
            SQSEvent e = new SQSEvent();
            e.setRecords(toPackage.subList(i, Math.min(toPackage.size(), i + functions.packagerBatchSize)));
            SQSBatchResponse r = functions.packager.handleRequest(e, TestContext.withRemainingMillis(900_000));
            lost += r.getBatchItemFailures().size();
            clock.jump(Duration.ofSeconds(1)); // registry pointers are named by the second
        }
        long packaged = db.scalar("SELECT count(*) FROM package_revision");
        long packagedObjects = db.scalar("SELECT coalesce(sum(object_count), 0) FROM package_revision");
        lost += Math.max(0, toPackage.size() - packaged);
        lost += Math.max(0, (long) toPackage.size() * perPrefix - packagedObjects);

        System.setOut(console);
        out.printf(Locale.ROOT, "store+emit: %d events in %d prefixes, SQS batches of %d, %d store environments, %d batches announced,"
                + " %d recorded, %d batch ids announced twice; %d immediate tick requests, %d scheduled ticks every %d s, %d emit invocations failed;"
                + " prefix kind->trigger %s;"
                + " %d prefixes never announced during the run; max count %.2f s, max sentinel %.2f s, max quiet late %.2f s;"
                + " packaged %d sampled batches (%d objects); handler logs in %s%n"
                + "cpu while storing: jvm %.1f s (of it the store handlers' threads %.1f s, the JIT compilers %.1f s, the stand-in bus %.2f s for %d PutEvents calls,"
                + " %.2f ms a call), postgres %.1f s,"
                + " in %.1f s: %.2f cores busy of %d%n",
                sent, prefixes, batchSize, consumers, bus.entries("package-objects-ready").size(), recorded, announcedTwice, requests.get(),
                scheduledTicks.get(), tick.toSeconds(), failedInvocations.get(), byTrigger, unannounced, max(countDelays), max(sentinelDelays), max(quietLateness),
                packaged, packagedObjects, log, jvmCpu, storeThreadsCpu.get() / 1e9, jit, busCpu, busCalls, busCalls == 0 ? 0 : busCpu * 1000 / busCalls, pgCpu,
                seconds, (jvmCpu + Math.max(0, pgCpu)) / seconds, Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "pipeline events=%d seconds=%.1f events_per_s=%.0f consumers=%d p99_count_announce_s=%.2f"
                + " p99_sentinel_announce_s=%.2f p99_quiet_late_s=%.2f lost=%d%n",
                sent, seconds, sent / seconds, consumers, p99(countDelays), p99(sentinelDelays), p99(quietLateness), lost);
        functions.close();
        bus.close();
        sns.close();
        s3.close();
        if (throwaway) {
            db.execute("DROP SCHEMA " + db.schema() + " CASCADE");
        }
    }

    /** Runs one emit invocation; a failure is logged and counted, as Lambda reports a failed invocation and goes on. */
    private static void invokeCounting(Runnable invocation, AtomicInteger failures) {
        try {
            invocation.run();
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            System.err.println("emit invocation failed: " + e);
        }
    }

    /**
     * CPU seconds of this JVM's JIT compiler threads, from /proc (Linux; NaN elsewhere). On the deployed
     * shape each function compiles in its own environment, not on the database's cores as here.
     */
    private static double jitSeconds() {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String name = threadName(task);
                String[] stat = procStat(task);
                if (stat != null && (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler"))) {
                    ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
                }
            }
        } catch (java.io.IOException | RuntimeException e) { // no /proc
            return Double.NaN;
        }
        return ticks / 100.0; // USER_HZ is 100 on Linux
    }

    /** A thread's name as the kernel keeps it (at most 15 characters); empty if it ended while listed. */
    private static String threadName(Path task) {
        try {
            return Files.readString(task.resolve("comm")).strip();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static double jvmCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** The server process behind the bench's connections: the first line of its data directory's postmaster.pid; -1 if unreadable. */
    private static long postmasterPid(TestDatabase db) {
        try (var c = db.connect(); var st = c.createStatement(); var rs = st.executeQuery("SELECT current_setting('data_directory')")) {
            rs.next();
            return Long.parseLong(Files.readAllLines(Path.of(rs.getString(1), "postmaster.pid")).get(0).trim());
        } catch (java.sql.SQLException | java.io.IOException | RuntimeException e) {
            return -1; // a server elsewhere (TEST_PG_URL): its CPU is not ours to read
        }
    }

    /**
     * CPU seconds of the PostgreSQL server from /proc (Linux): the postmaster, the children it has
     * reaped, and its live backends; NaN where /proc is not readable.
     */
    static double postgresCpuSeconds(long postmaster) {
        String[] own = postmaster < 0 ? null : procStat(postmaster);
        if (own == null) {
            return Double.NaN;
        }
        long ticks = Long.parseLong(own[11]) + Long.parseLong(own[12]) + Long.parseLong(own[13]) + Long.parseLong(own[14]);
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    String[] stat = procStat(Long.parseLong(name));
                    if (stat != null && Long.parseLong(stat[1]) == postmaster) {
                        ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
                    }
                }
            }
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
        return ticks / 100.0; // USER_HZ is 100 on Linux
    }

    /** The fields of /proc/<pid>/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
    private static String[] procStat(long pid) {
        return procStat(Path.of("/proc", Long.toString(pid)));
    }

    /** The same fields from the stat file of a process's or a thread's /proc directory; null if unreadable. */
    private static String[] procStat(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static int announcedCount(long[] announcedAt) {
        int n = 0;
        for (long t : announcedAt) {
            if (t != 0) {
                n++;
            }
        }
        return n;
    }

    static double p99(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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

    private static void store(StoreHandler handler, List<SQSEvent.SQSMessage> batch) {
        SQSEvent e = new SQSEvent();
        e.setRecords(batch);
        SQSBatchResponse r = handler.handleRequest(e, TestContext.withRemainingMillis(60_000));
        if (!r.getBatchItemFailures().isEmpty()) {
            throw new IllegalStateException(r.getBatchItemFailures().size() + " messages failed in a store batch");
        }
    }
}

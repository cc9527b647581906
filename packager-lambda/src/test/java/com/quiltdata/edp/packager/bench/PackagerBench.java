package com.quiltdata.edp.packager.bench;

import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.packager.Continuing;
import com.quiltdata.edp.packager.PackageOutcome;
import com.quiltdata.edp.packager.PackagePrefix;
import com.quiltdata.edp.packager.PackagerSettings;
import com.quiltdata.edp.packager.domain.Continuation;
import com.quiltdata.edp.packager.domain.PackageDefaults;
import com.quiltdata.edp.packager.PackagerWiring;
import com.quiltdata.edp.packager.domain.Crc64Nvme;
import com.quiltdata.edp.packager.domain.HashType;
import com.quiltdata.edp.packager.s3.S3CheckpointStore;
import com.quiltdata.edp.packager.s3.S3ContentHasher;
import com.quiltdata.edp.packager.testing.S3Packaging;
import com.quiltdata.edp.packager.testing.StandInS3;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Packages N objects (mixed sizes, at least 1 GiB in all) through the real use case and S3 adapters
 * against an in-memory S3 stand-in that adds a fixed latency to every request (default 20 ms): once
 * from the SHA-256 checksums S3 holds (no bytes read), once hashing every byte, and once from
 * objects that carry only S3's default CRC64NVME with the CRC64NVME hash type. Compared with the
 * latency bound (files x latency / concurrency) and with {@code openssl dgst -sha256} over the same
 * bytes. The stand-in's own cost per request is measured first, at latency 0. Prints the summary
 * line last. Arguments: [files] [min total bytes] [workers] [latency ms]; or {@code scale <files>
 * [workers] [latency ms]}: that many 1 KiB objects with S3 checksums, reporting time and peak heap.
 */
public final class PackagerBench {
    private static final int MIB = 1024 * 1024;
    private static final String BUCKET = "bench-data";
    private static final String CRC_BUCKET = "bench-crc64";
    private static final PrintStream OUT = System.out;

    public static void main(String[] args) throws Exception {
        Log.redirect(System.err, true);
        if (args.length > 0 && args[0].equals("scale")) {
            scale(Integer.parseInt(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : PackagerWiring.WORKERS,
                    args.length > 3 ? Long.parseLong(args[3]) : 20);
            return;
        }
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        long minTotal = args.length > 1 ? Long.parseLong(args[1]) : 1L << 30;
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : PackagerWiring.WORKERS;
        long latency = args.length > 3 ? Long.parseLong(args[3]) : 20;
        connections(workers);
        long[] sizes = sizes(files, minTotal);
        long total = Arrays.stream(sizes).sum();
        int cores = Runtime.getRuntime().availableProcessors();
        OUT.printf("bench: %d objects, %d bytes (%.2f GiB), %d workers, %d ms per request, %d cores%n", files, total,
                total / (double) (1L << 30), workers, latency, cores);

        Path work = Files.createDirectories(Path.of("target", "bench-packager"));
        byte[] noise = new byte[64 * MIB + 1];
        new Random(42).nextBytes(noise);
        double s3ChecksumSeconds;
        double hashedSeconds;
        double s3ChecksumCpu;
        double hashedCpu;
        long downloadedWithS3;
        try (StandInS3 stand = StandInS3.start(0)) {
            long t0 = System.nanoTime();
            stand.createBucket(BUCKET);
            stand.createBucket(CRC_BUCKET);
            for (int i = 0; i < files; i++) {
                int offset = offset(i, sizes[i], noise);
                int size = (int) sizes[i];
                // as quilt3 uploads: one PUT with SHA-256, or 8 MiB parts with SHA-256 above 8 MiB
                stand.put(BUCKET, key(i), size > 8 * MIB ? StandInS3.multipart(noise, offset, size, 8 * MIB)
                        : StandInS3.single(noise, offset, size, true, null));
                // as any other client uploads since 2025: only S3's default full-object CRC64NVME
                stand.put(CRC_BUCKET, key(i), StandInS3.single(noise, offset, size, false, crc64(noise, offset, size)));
            }
            OUT.printf("bench: stand-in filled in %.1f s%n", secs(t0));
            S3Client s3 = stand.client();
            ExecutorService pool = PackagerWiring.workers(workers);
            warmUp(stand, s3, pool, work, sizes, noise, latency);

            long cpuBefore = stand.cpuNanos();
            long requestsBefore = stand.requests();
            double ownMillis = ownCostMillis(stand, Math.min(files, 2_000));
            double ownCpuMillis = (stand.cpuNanos() - cpuBefore) / 1e6 / (stand.requests() - requestsBefore);
            OUT.printf("bench: the stand-in's own cost at latency 0: %.3f ms per request round trip, one plain HTTP HEAD after another"
                    + " (%.1f %% of the %d ms latency); its CPU %.3f ms per request (%.1f %%)%n", ownMillis,
                    latency == 0 ? 0 : 100 * ownMillis / latency, latency, ownCpuMillis, latency == 0 ? 0 : 100 * ownCpuMillis / latency);
            stand.latencyMillis(latency);

            S3ContentHasher withS3 = new S3ContentHasher(s3, new S3ContentHasher.Options(true, false));
            long requests = stand.requests();
            long standCpu1 = stand.cpuNanos();
            double cpu1 = cpuSeconds();
            long t1 = System.nanoTime();
            PackageOutcome a = run(s3, withS3, HashType.SHA2_256_CHUNKED, pool, work, BUCKET, "bench/s3-checksums");
            s3ChecksumSeconds = secs(t1);
            s3ChecksumCpu = cpuSeconds() - cpu1;
            downloadedWithS3 = withS3.downloadedBytes();
            OUT.printf("bench: s3 checksums: %.2f s (process CPU %.1f s, of it the stand-in's %.1f s), %s, downloaded=%d, requests=%d,"
                    + " top_hash=%s%n", s3ChecksumSeconds, cpuSeconds() - cpu1, (stand.cpuNanos() - standCpu1) / 1e9, withS3.counts(),
                    downloadedWithS3, stand.requests() - requests, a.topHash());

            S3ContentHasher hashing = new S3ContentHasher(s3, new S3ContentHasher.Options(false, false));
            long standCpu2 = stand.cpuNanos();
            double cpu2 = cpuSeconds();
            long t2 = System.nanoTime();
            PackageOutcome b = run(s3, hashing, HashType.SHA2_256_CHUNKED, pool, work, BUCKET, "bench/hashed");
            hashedSeconds = secs(t2);
            hashedCpu = cpuSeconds() - cpu2;
            OUT.printf("bench: hashed: %.2f s (process CPU %.1f s, of it the stand-in's %.1f s), %s, downloaded=%d, top_hash=%s%n",
                    hashedSeconds, cpuSeconds() - cpu2, (stand.cpuNanos() - standCpu2) / 1e9, hashing.counts(), hashing.downloadedBytes(),
                    b.topHash());
            if (!a.topHash().equals(b.topHash()) || a.objects() != files) {
                throw new IllegalStateException("the two runs disagree: " + a + " vs " + b);
            }

            S3ContentHasher crc = new S3ContentHasher(s3, S3ContentHasher.Options.defaults(HashType.CRC64NVME));
            long served = stand.bytesServed();
            long standCpu3 = stand.cpuNanos();
            double cpu3 = cpuSeconds();
            long t3 = System.nanoTime();
            PackageOutcome c = run(s3, crc, HashType.CRC64NVME, pool, work, CRC_BUCKET, "bench/crc64");
            double crcSeconds = secs(t3);
            OUT.printf("bench: crc64nvme: %.2f s (process CPU %.1f s, of it the stand-in's %.1f s), %s, downloaded=%d, top_hash=%s%n",
                    crcSeconds, cpuSeconds() - cpu3, (stand.cpuNanos() - standCpu3) / 1e9, crc.counts(), crc.downloadedBytes(), c.topHash());
            if (stand.bytesServed() != served + crc.downloadedBytes()) {
                throw new IllegalStateException("the stand-in served bytes the hasher did not count");
            }
            OUT.printf("packager_crc64 files=%d crc64_s=%.2f downloaded_bytes_with_crc64=%d copies_with_crc64=%d%n", files,
                    crcSeconds, crc.downloadedBytes(), crc.partCopies());
            pool.shutdownNow();
        }

        Path data = work.resolve("files");
        writeFiles(data, sizes, noise);
        double sha256sumSeconds = timed(data, "ls | xargs sha256sum > /dev/null");
        double opensslSeconds = timed(data, "ls | xargs openssl dgst -sha256 > /dev/null");
        deleteTree(data);

        double mb = total / 1e6;
        double bound = files * (latency / 1000.0) / workers;
        double hashedTarget = 1.5 * Math.max(bound, opensslSeconds / cores);
        OUT.printf("bench: targets: s3_checksum_s %.2f <= %.2f (1.5 x latency bound) %s; hashed_s %.2f <= %.2f "
                        + "(1.5 x max(latency bound, openssl_s / %d cores)) %s; openssl %.0f MB/s%n",
                s3ChecksumSeconds, 1.5 * bound, s3ChecksumSeconds <= 1.5 * bound ? "met" : "MISSED", hashedSeconds, hashedTarget,
                cores, hashedSeconds <= hashedTarget ? "met" : "MISSED", mb / opensslSeconds);
        // on a machine shared with other builds the wall times measure the queue for the CPU: what the runs would
        // take with the cores to themselves is at least max(latency bound, process CPU / cores)
        OUT.printf("bench: with the %d cores to itself (max(latency bound, process CPU / cores)): s3_checksum_s >= %.2f, hashed_s >= %.2f;"
                + " load average %s%n", cores, Math.max(bound, s3ChecksumCpu / cores), Math.max(bound, hashedCpu / cores),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        OUT.println(String.format("packager files=%d bytes=%d s3_checksum_s=%.2f hashed_s=%.2f hashed_mb_per_s=%.1f"
                        + " sha256sum_mb_per_s=%.1f downloaded_bytes_with_s3_checksums=%d latency_ms=%d concurrency=%d"
                        + " latency_bound_s=%.2f openssl_s=%.2f",
                files, total, s3ChecksumSeconds, hashedSeconds, mb / hashedSeconds, mb / sha256sumSeconds, downloadedWithS3,
                latency, workers, bound, opensslSeconds));
    }

    /**
     * Packages a separate sample of objects once by each method, unmeasured, so the three measured runs
     * all find the SDK's and the packager's code compiled, as every package after an execution
     * environment's first does (the first run of the bench used to pay the JIT alone: about 10 s of CPU
     * on this 2-core machine). {@code BENCH_WARMUP=<objects>} sets the sample size, 0 turns it off.
     */
    private static void warmUp(StandInS3 stand, S3Client s3, ExecutorService pool, Path work, long[] sizes, byte[] noise,
            long latency) {
        int objects = Math.min(sizes.length, Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP", "3000")));
        if (objects == 0) {
            OUT.println("bench: no JIT warm-up (BENCH_WARMUP=0): the first run pays the compilation");
            return;
        }
        String sha = "bench-warmup-sha";
        String crc = "bench-warmup-crc";
        stand.createBucket(sha);
        stand.createBucket(crc);
        for (int i = 0; i < objects; i++) {
            int size = (int) Math.min(sizes[i], 9L * MIB);
            int offset = offset(i, size, noise);
            stand.put(sha, key(i), size > 8 * MIB ? StandInS3.multipart(noise, offset, size, 8 * MIB)
                    : StandInS3.single(noise, offset, size, true, null));
            stand.put(crc, key(i), StandInS3.single(noise, offset, size, false, crc64(noise, offset, size)));
        }
        stand.latencyMillis(latency);
        double cpu = cpuSeconds();
        long t = System.nanoTime();
        run(s3, new S3ContentHasher(s3, new S3ContentHasher.Options(true, false)), HashType.SHA2_256_CHUNKED, pool, work, sha, "warm/a");
        run(s3, new S3ContentHasher(s3, new S3ContentHasher.Options(false, false)), HashType.SHA2_256_CHUNKED, pool, work, sha, "warm/b");
        run(s3, new S3ContentHasher(s3, S3ContentHasher.Options.defaults(HashType.CRC64NVME)), HashType.CRC64NVME, pool, work, crc,
                "warm/c");
        OUT.printf("bench: JIT warm-up, not measured: %d other objects by each method in %.1f s (process CPU %.1f s)%n", objects,
                secs(t), cpuSeconds() - cpu);
        stand.latencyMillis(0);
    }

    /** A package of {@code files} 1 KiB objects with S3 checksums: time and the packager's peak heap. */
    private static void scale(int files, int workers, long latency) throws Exception {
        connections(workers);
        byte[] noise = new byte[MIB + 1];
        new Random(42).nextBytes(noise);
        Path work = Files.createDirectories(Path.of("target", "bench-packager"));
        try (StandInS3 stand = StandInS3.start(latency)) {
            stand.createBucket(BUCKET);
            for (int i = 0; i < files; i++) {
                stand.put(BUCKET, key(i), StandInS3.single(noise, offset(i, 1024, noise), 1024, true, null));
            }
            S3Client s3 = stand.client();
            ExecutorService pool = PackagerWiring.workers(workers);
            System.gc();
            long baseline = usedHeap();
            resetPeaks();
            S3ContentHasher withS3 = new S3ContentHasher(s3, new S3ContentHasher.Options(true, false));
            long t = System.nanoTime();
            double cpu = cpuSeconds();
            // a line a minute, so a run stopped before its end still says how far it got
            Thread progress = new Thread(() -> {
                try {
                    while (true) {
                        Thread.sleep(60_000);
                        OUT.printf("bench: scale progress: %d requests after %.0f s (process CPU %.0f s, heap peak so far %d MB)%n",
                                stand.requests(), secs(t), cpuSeconds() - cpu, (peakHeap() - baseline) / MIB);
                    }
                } catch (InterruptedException e) {
                    // the run ended
                }
            }, "bench-progress");
            progress.setDaemon(true);
            progress.start();
            long timeoutSeconds = Long.parseLong(System.getenv().getOrDefault("BENCH_TIMEOUT_S", "0"));
            PackageOutcome outcome = timeoutSeconds > 0
                    ? continued(s3, withS3, pool, work, timeoutSeconds, Long.parseLong(System.getenv().getOrDefault("BENCH_MARGIN_S",
                            String.valueOf(PackagerSettings.DEFAULT_CHECKPOINT_MARGIN_SECONDS))))
                    : run(s3, withS3, HashType.SHA2_256_CHUNKED, pool, work, BUCKET, "bench/scale");
            double seconds = secs(t);
            double runCpu = cpuSeconds() - cpu;
            progress.interrupt();
            long peak = peakHeap();
            pool.shutdownNow();
            double bound = files * (latency / 1000.0) / workers;
            OUT.printf("bench: scale: %s, %s, process CPU %.1f s (%.2f ms per object), top_hash=%s; load average %s%n", outcome.detail(),
                    withS3.counts(), runCpu, runCpu * 1000 / files, outcome.topHash(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            OUT.printf("packager_scale files=%d seconds=%.1f latency_bound_s=%.1f latency_ms=%d concurrency=%d"
                            + " peak_heap_mb=%d heap_before_mb=%d max_heap_mb=%d%n", outcome.objects(), seconds, bound, latency,
                    workers, (peak - baseline) / MIB, baseline / MIB, Runtime.getRuntime().maxMemory() / MIB);
        }
    }

    /**
     * The scale package as the Lambda builds it when it runs out of time (ADR 0114): invocations of a
     * simulated timeout ({@code BENCH_TIMEOUT_S}, the wall clock of this machine) that stop handing out
     * objects {@code BENCH_MARGIN_S} before their end, checkpoint in the stand-in and go on in the next.
     */
    private static PackageOutcome continued(S3Client s3, S3ContentHasher hasher, ExecutorService pool, Path work, long timeoutSeconds,
            long marginSeconds) {
        PackagePrefix packager = S3Packaging.packager(s3, hasher, HashType.SHA2_256_CHUNKED, pool, work,
                Optional.of(new S3CheckpointStore(s3)));
        Deque<Continuation> queue = new ArrayDeque<>();
        Continuation at = Continuation.start("bench-1");
        PackageOutcome outcome;
        int invocation = 0;
        do {
            invocation++;
            long start = System.nanoTime();
            double cpu = cpuSeconds();
            LongSupplier remaining = () -> timeoutSeconds * 1000 - (System.nanoTime() - start) / 1_000_000;
            outcome = packager.run(S3Packaging.request(BUCKET, "run/", "bench/scale"), PackageDefaults.NONE,
                    new Continuing(at, "bench-" + invocation, remaining, Duration.ofSeconds(marginSeconds), Optional.of(queue::add)));
            OUT.printf("bench: invocation %d of a %d s timeout (margin %d s): %s in %.1f s (process CPU %.1f s): %s%n", invocation,
                    timeoutSeconds, marginSeconds, outcome.kind(), secs(start), cpuSeconds() - cpu, outcome.detail());
            at = queue.poll();
        } while (outcome.kind() == PackageOutcome.Kind.CONTINUED);
        OUT.printf("bench: continuation: %d invocations at a simulated timeout of %d s%n", invocation, timeoutSeconds);
        return outcome;
    }

    private static void connections(int workers) {
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", String.valueOf(Math.max(workers * 2, 16)));
        }
    }

    /**
     * Round-trip time of a HEAD through a plain keep-alive HTTP connection, latency 0: the stand-in's
     * cost (and the JDK's HTTP client), without the SDK or the packager.
     */
    private static double ownCostMillis(StandInS3 stand, int requests) throws IOException {
        URL url = URI.create(stand.endpoint() + "/" + BUCKET + "/run/1/object-1.bin").toURL();
        long total = 0;
        for (int i = -200; i < requests; i++) {
            long t = System.nanoTime();
            HttpURLConnection c = (HttpURLConnection) url.openConnection();
            c.setRequestMethod("HEAD");
            if (c.getResponseCode() != 200) {
                throw new IllegalStateException("the stand-in answered HEAD with " + c.getResponseCode());
            }
            c.getInputStream().close();
            if (i >= 0) {
                total += System.nanoTime() - t;
            }
        }
        return total / 1e6 / requests;
    }

    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /** Mixed sizes: mostly small files, some of a few MiB, a few multipart ones above 8 MiB; at least minTotal. */
    static long[] sizes(int files, long minTotal) {
        long[] sizes = new long[files];
        Random random = new Random(7);
        int large = Math.max(1, files / 500);
        int medium = Math.max(1, files / 100);
        for (int i = 0; i < files; i++) {
            if (i < large) {
                sizes[i] = 9L * MIB + random.nextInt(24 * MIB);
            } else if (i < large + medium) {
                sizes[i] = MIB + random.nextInt(7 * MIB);
            } else {
                sizes[i] = random.nextInt(96 * 1024);
            }
        }
        long total = Arrays.stream(sizes).sum();
        // scale the small and medium files up until the total is reached (sizes stay mixed)
        int i = large;
        while (total < minTotal) {
            long add = Math.min(minTotal - total, (i < large + medium) ? MIB : 64 * 1024);
            sizes[i] += add;
            total += add;
            i = i + 1 >= files ? large : i + 1;
        }
        return sizes;
    }

    private static String key(int i) {
        return "run/" + (i % 50) + "/object-" + i + (i % 7 == 0 ? " with space+plus é.bin" : ".bin");
    }

    private static int offset(int i, long size, byte[] noise) {
        return (int) ((i * 7_919L) % (noise.length - size));
    }

    private static String crc64(byte[] data, int offset, int size) {
        Crc64Nvme crc = new Crc64Nvme(size);
        crc.update(data, offset, size);
        return crc.finish().value();
    }

    private static PackageOutcome run(S3Client s3, S3ContentHasher hasher, HashType type, ExecutorService pool, Path work,
            String bucket, String name) {
        return S3Packaging.packager(s3, hasher, type, pool, work).run(S3Packaging.request(bucket, "run/", name));
    }

    private static void writeFiles(Path dir, long[] sizes, byte[] noise) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < sizes.length; i++) {
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(dir.resolve("f" + i)))) {
                o.write(noise, offset(i, sizes[i], noise), (int) sizes[i]);
            }
        }
    }

    /** One shell command over every file (files already in the page cache), timed. */
    private static double timed(Path dir, String command) throws Exception {
        ProcessBuilder warm = new ProcessBuilder("sh", "-c", "cat * > /dev/null").directory(dir.toFile());
        warm.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        warm.start().waitFor();
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).directory(dir.toFile());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        long t = System.nanoTime();
        int rc = pb.start().waitFor();
        double seconds = secs(t);
        if (rc != 0) {
            throw new IllegalStateException("'" + command + "' exited with " + rc);
        }
        return seconds;
    }

    private static long usedHeap() {
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The sum of the heap pools' peaks since {@link #resetPeaks}: an upper bound of the peak heap in use. */
    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static double secs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}

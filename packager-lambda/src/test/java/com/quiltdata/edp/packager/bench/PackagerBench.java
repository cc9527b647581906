package com.quiltdata.edp.packager.bench;

import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.packager.PackageOutcome;
import com.quiltdata.edp.packager.PackagePrefix;
import com.quiltdata.edp.packager.PackagerWiring;
import com.quiltdata.edp.packager.manifest.PackageName;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.request.PackageRequest;
import com.quiltdata.edp.packager.s3.S3ContentHasher;
import com.quiltdata.edp.packager.s3.S3ObjectCopier;
import com.quiltdata.edp.packager.s3.S3ObjectLister;
import com.quiltdata.edp.packager.s3.S3ObjectReader;
import com.quiltdata.edp.packager.s3.S3PackageRegistry;
import com.quiltdata.edp.packager.testing.InMemoryRevisionStore;
import com.quiltdata.edp.testing.InProcessS3;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Packages N objects (mixed sizes, at least 1 GiB in all) from an in-process S3Mock twice, through
 * the real use case and S3 adapters: once taking the SHA-256 checksums S3 holds (no bytes should
 * be downloaded), once hashing every byte; then the same bytes through {@code sha256sum}.
 * Prints the summary line last. Arguments: [files] [min total bytes] [workers].
 */
public final class PackagerBench {
    private static final int MIB = 1024 * 1024;
    private static final String BUCKET = "bench-data";

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        long minTotal = args.length > 1 ? Long.parseLong(args[1]) : 1L << 30;
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : PackagerWiring.WORKERS;
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", String.valueOf(Math.max(workers * 2, 16)));
        }
        PrintStream out = System.out;
        Log.redirect(System.err, true);
        // Tomcat (inside S3Mock) logs through java.util.logging; keep the output to the bench's lines
        java.util.logging.LogManager.getLogManager().reset();
        long[] sizes = sizes(files, minTotal);
        long total = Arrays.stream(sizes).sum();
        out.printf("bench: %d objects, %d bytes (%.2f GiB), %d workers%n", files, total, total / (double) (1L << 30), workers);

        Path work = Files.createDirectories(Path.of("target", "bench-packager"));
        String summary;
        Path store;
        try (InProcessS3 s3mock = InProcessS3.start()) {
            store = s3mock.storeRoot();
            S3Client s3 = s3mock.client();
            s3mock.createBucket(BUCKET, true);
            byte[] noise = new byte[64 * MIB + 1];
            new Random(42).nextBytes(noise);
            long t0 = System.nanoTime();
            upload(s3, sizes, noise, workers);
            out.printf("bench: uploaded with SHA-256 checksums in %.1f s%n", secs(t0));

            ExecutorService pool = PackagerWiring.workers(workers);
            long tl = System.nanoTime();
            int[] listed = new int[1];
            new S3ObjectLister(s3).listLatest(BUCKET, "run/", o -> listed[0]++);
            out.printf("bench: listing %d objects took %.2f s%n", listed[0], secs(tl));
            S3ContentHasher withS3 = new S3ContentHasher(s3, new S3ContentHasher.Options(true, false));
            long t1 = System.nanoTime();
            PackageOutcome a = run(s3, withS3, pool, work, "bench/s3-checksums");
            double s3ChecksumSeconds = secs(t1);
            out.printf("bench: s3 checksums: %.2f s, %s, downloaded=%d, top_hash=%s%n", s3ChecksumSeconds, withS3.counts(),
                    withS3.downloadedBytes(), a.topHash());

            S3ContentHasher hashing = new S3ContentHasher(s3, new S3ContentHasher.Options(false, false));
            long t2 = System.nanoTime();
            PackageOutcome b = run(s3, hashing, pool, work, "bench/hashed");
            double hashedSeconds = secs(t2);
            out.printf("bench: hashed: %.2f s, %s, downloaded=%d, top_hash=%s%n", hashedSeconds, hashing.counts(),
                    hashing.downloadedBytes(), b.topHash());
            long t3 = System.nanoTime();
            long raw = download(s3, sizes.length, pool);
            out.printf("bench: the same GETs without hashing (S3Mock's ceiling here): %.2f s, %.1f MB/s%n", secs(t3),
                    raw / 1e6 / secs(t3));
            if (!a.topHash().equals(b.topHash()) || a.objects() != files) {
                throw new IllegalStateException("the two runs disagree: " + a + " vs " + b);
            }
            pool.shutdownNow();

            Path data = work.resolve("files");
            writeFiles(data, sizes, noise);
            double sha256sumSeconds = sha256sum(data);
            deleteTree(data);

            double mb = total / 1e6;
            summary = String.format("packager files=%d bytes=%d s3_checksum_s=%.2f hashed_s=%.2f hashed_mb_per_s=%.1f"
                            + " sha256sum_mb_per_s=%.1f downloaded_bytes_with_s3_checksums=%d",
                    files, total, s3ChecksumSeconds, hashedSeconds, mb / hashedSeconds, mb / sha256sumSeconds,
                    withS3.downloadedBytes());
        }
        deleteTree(store);
        out.println(summary);
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

    private static void upload(S3Client s3, long[] sizes, byte[] noise, int workers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(workers, 8));
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            int n = i;
            futures.add(pool.submit(() -> {
                byte[] content = content(n, sizes[n], noise);
                if (content.length > 8 * MIB) {
                    multipart(s3, key(n), content);
                } else {
                    s3.putObject(r -> r.bucket(BUCKET).key(key(n)).checksumAlgorithm(ChecksumAlgorithm.SHA256),
                            RequestBody.fromBytes(content));
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
    }

    private static byte[] content(int i, long size, byte[] noise) {
        int offset = (int) ((i * 7_919L) % (noise.length - size));
        return Arrays.copyOfRange(noise, offset, offset + (int) size);
    }

    /** A multipart upload in Quilt-sized (8 MiB) parts with SHA-256, as quilt3 uploads. */
    private static void multipart(S3Client s3, String key, byte[] data) {
        String id = s3.createMultipartUpload(r -> r.bucket(BUCKET).key(key).checksumAlgorithm(ChecksumAlgorithm.SHA256)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int offset = 0, n = 1; offset < data.length; offset += 8 * MIB, n++) {
            int number = n;
            byte[] part = Arrays.copyOfRange(data, offset, Math.min(data.length, offset + 8 * MIB));
            var r = s3.uploadPart(p -> p.bucket(BUCKET).key(key).uploadId(id).partNumber(number)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256), RequestBody.fromBytes(part));
            parts.add(CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumSHA256(r.checksumSHA256()).build());
        }
        s3.completeMultipartUpload(r -> r.bucket(BUCKET).key(key).uploadId(id).multipartUpload(m -> m.parts(parts)));
    }

    private static PackageOutcome run(S3Client s3, S3ContentHasher hasher, ExecutorService pool, Path work, String name) {
        S3ObjectReader reader = new S3ObjectReader(s3);
        Notifier silent = new Notifier() {
            @Override
            public void packageCreated(PackageRevision revision) {}

            @Override
            public void packageFailed(Failure failure) {}
        };
        PackagePrefix useCase = new PackagePrefix(new S3ObjectLister(s3), hasher, new S3ObjectCopier(s3, hasher), reader,
                new S3PackageRegistry(s3, reader), new InMemoryRevisionStore(), silent, pool, Clock.systemUTC(),
                Duration.ZERO, work);
        PackageRequest request = new PackageRequest(BUCKET, "run/", "s3://" + BUCKET + "/run/", BUCKET, PackageName.parse(name),
                new PackageRequest.MetadataSource.FolderDefault(), Optional.empty(),
                new PackageRequest.WorkflowChoice.RegistryDefault(), false, Optional.empty());
        return useCase.run(request);
    }

    /** Reads every object and throws the bytes away: what S3Mock can serve, without the packager. */
    private static long download(S3Client s3, int files, ExecutorService pool) throws Exception {
        List<Future<Long>> futures = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            int n = i;
            futures.add(pool.submit(() -> {
                try (var in = s3.getObject(r -> r.bucket(BUCKET).key(key(n)))) {
                    return in.transferTo(OutputStream.nullOutputStream());
                }
            }));
        }
        long bytes = 0;
        for (Future<Long> f : futures) {
            bytes += f.get();
        }
        return bytes;
    }

    private static void writeFiles(Path dir, long[] sizes, byte[] noise) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < sizes.length; i++) {
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(dir.resolve("f" + i)))) {
                o.write(content(i, sizes[i], noise));
            }
        }
    }

    /** sha256sum over every file (one process, as a user would run it); files are in the page cache. */
    private static double sha256sum(Path dir) throws Exception {
        ProcessBuilder warm = new ProcessBuilder("sh", "-c", "cat * > /dev/null").directory(dir.toFile());
        warm.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        warm.start().waitFor();
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "ls | xargs sha256sum > /dev/null").directory(dir.toFile());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        long t = System.nanoTime();
        int rc = pb.start().waitFor();
        double seconds = secs(t);
        if (rc != 0) {
            throw new IllegalStateException("sha256sum exited with " + rc);
        }
        return seconds;
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

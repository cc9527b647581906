package com.quiltdata.edp.cli.bench;

import com.quiltdata.edp.cli.PackageCommand;
import com.quiltdata.edp.cli.local.FolderContentHasher;
import com.quiltdata.edp.cli.local.FolderObjectCopier;
import com.quiltdata.edp.cli.local.FolderObjectLister;
import com.quiltdata.edp.cli.local.FolderObjectReader;
import com.quiltdata.edp.cli.local.FolderPackageRegistry;
import com.quiltdata.edp.cli.local.LocalFolder;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.packager.PackageOutcome;
import com.quiltdata.edp.packager.PackagePrefix;
import com.quiltdata.edp.packager.PackagerWiring;
import com.quiltdata.edp.packager.domain.PackageName;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.domain.PackageRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

/**
 * Packages a local folder of 2,000 files of 1–4 KiB and 3 of 50 MiB through the packaging step of
 * {@code edp local} (PackagePrefix with the folder adapters, no PostgreSQL): once in a fresh JVM (JVM
 * start included), then repeatedly in one JVM; compared with one {@code openssl dgst -sha256} process
 * over the same files. The cold run is repeated with the JVM options that shorten start-up (a
 * class-data-sharing archive, C1 only) to show what they buy. Prints the summary line last.
 * Arguments: [folder] (default target/bench-local/folder); {@code once <folder> <name>} packages once.
 */
public final class LocalBench {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final PrintStream OUT = System.out;

    public static void main(String[] args) throws Exception {
        Log.redirect(System.err, true);
        if (args.length > 0 && args[0].equals("once")) {
            packageOnce(Path.of(args[1]), args[2]);
            return;
        }
        Path folder = Path.of(args.length > 0 ? args[0] : "target/bench-local/folder").toAbsolutePath();
        long[] totals = generate(folder);
        OUT.printf("bench: %d files, %d bytes in %s%n", totals[0], totals[1], folder);

        double coldPlain = cold(folder, List.of(), "cold-plain");
        Path archive = folder.getParent().resolve("edp-local.jsa");
        Files.deleteIfExists(archive);
        // as ./edp does: its first run after a build writes the archive, later runs start from it
        double training = cold(folder, List.of("-XX:ArchiveClassesAtExit=" + archive), "cold-archive");
        double cold = cold(folder, List.of("-XX:SharedArchiveFile=" + archive), "cold-cds");
        double coldCdsC1 = cold(folder, List.of("-XX:SharedArchiveFile=" + archive, "-XX:TieredStopAtLevel=1"), "cold-cds-c1");
        OUT.printf("bench: cold without an archive: %.2f s; writing the archive: %.2f s; with the archive (cold_s, as ./edp runs):"
                + " %.2f s; with it and C1 only: %.2f s%n", coldPlain, training, cold, coldCdsC1);

        packageOnce(folder, "bench/warmup");
        double[] warm = new double[5];
        for (int i = 0; i < warm.length; i++) {
            long t = System.nanoTime();
            packageOnce(folder, "bench/warm-" + i);
            warm[i] = (System.nanoTime() - t) / 1e9;
        }
        OUT.printf("bench: warm runs: %s s%n", Arrays.toString(warm));
        Arrays.sort(warm);
        double warmMedian = warm[warm.length / 2];
        double openssl = openssl(folder);
        OUT.printf("bench: targets: ratio %.2f >= 1.0 %s; cold_s %.2f <= 3 x openssl_s = %.2f %s%n", openssl / warmMedian,
                openssl / warmMedian >= 1.0 ? "met" : "MISSED", cold, 3 * openssl, cold <= 3 * openssl ? "met" : "MISSED");
        OUT.println(String.format("local files=%d bytes=%d cold_s=%.2f warm_s=%.2f openssl_s=%.2f ratio=%.2f", totals[0], totals[1],
                cold, warmMedian, openssl, openssl / warmMedian));
    }

    /** 2,000 files of 1–4 KiB in 20 folders and 3 of 50 MiB; kept between runs when already there. */
    static long[] generate(Path folder) throws IOException {
        Random sizes = new Random(11);
        long bytes = 0;
        int files = 0;
        for (int i = 0; i < 2_000; i++) {
            Path f = folder.resolve("run/part-" + (i % 20) + "/sample-" + i + ".csv");
            bytes += write(f, KIB + sizes.nextInt(3 * KIB + 1), i);
            files++;
        }
        for (int i = 0; i < 3; i++) {
            bytes += write(folder.resolve("run/images/large-" + i + ".bin"), 50 * MIB, -1 - i);
            files++;
        }
        return new long[] {files, bytes};
    }

    private static long write(Path file, int size, long seed) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) == size) {
            return size;
        }
        Files.createDirectories(file.getParent());
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Files.write(file, data);
        return size;
    }

    /** A fresh JVM that packages the folder once: wall time from process start to exit. */
    private static double cold(Path folder, List<String> jvmOptions, String name) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LocalBench.class.getName(), "once", folder.toString(),
                "bench/" + name));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(folder.getParent().resolve("cold-runs.log").toFile()));
        long t = System.nanoTime();
        int rc = pb.start().waitFor();
        double seconds = (System.nanoTime() - t) / 1e9;
        if (rc != 0) {
            throw new IllegalStateException("the cold run " + command + " exited with " + rc);
        }
        return seconds;
    }

    /** The packaging step of edp local for the folder's run/ prefix. */
    static PackageOutcome packageOnce(Path root, String name) {
        LocalFolder folder = LocalFolder.of(root);
        FolderObjectReader reader = new FolderObjectReader(folder);
        ExecutorService workers = PackagerWiring.workers(Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            PackagePrefix packager = new PackagePrefix(new FolderObjectLister(folder), new FolderContentHasher(folder),
                    new FolderObjectCopier(), reader, new FolderPackageRegistry(folder, reader), new PackageCommand.UnrecordedRevisions(),
                    new Silent(), workers, Clock.systemUTC(), Duration.ZERO, Path.of(System.getProperty("java.io.tmpdir")));
            PackageRequest request = new PackageRequest(folder.bucket(), "run/", "s3://" + folder.bucket() + "/run/", folder.bucket(),
                    PackageName.parse(name), new PackageRequest.MetadataSource.FolderDefault(), Optional.empty(),
                    new PackageRequest.WorkflowChoice.RegistryDefault(), false, Optional.empty());
            return packager.run(request);
        } finally {
            workers.shutdown();
        }
    }

    /** One openssl process over every packaged file (already in the page cache). */
    private static double openssl(Path folder) throws Exception {
        List<String> files;
        try (Stream<Path> walk = Files.walk(folder.resolve("run"))) {
            files = walk.filter(Files::isRegularFile).map(Path::toString).sorted().toList();
        }
        List<String> command = new ArrayList<>(List.of("openssl", "dgst", "-sha256"));
        command.addAll(files);
        for (Path f : files.stream().map(Path::of).toList()) {
            try (var in = Files.newInputStream(f)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
        long t = System.nanoTime();
        int rc = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        double seconds = (System.nanoTime() - t) / 1e9;
        if (rc != 0) {
            throw new IllegalStateException("openssl exited with " + rc);
        }
        return seconds;
    }

    private static final class Silent implements Notifier {
        @Override
        public void packageCreated(PackageRevision revision) {}

        @Override
        public void packageFailed(Failure failure) {}
    }
}

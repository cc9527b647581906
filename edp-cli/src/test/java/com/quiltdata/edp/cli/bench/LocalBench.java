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
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
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
 * over the same files. The cold runs start as {@code ./edp} starts a user's command: the product jar
 * first on the class path, the launcher's JVM options ({@code edp-cli/java-options}, passed in as the
 * system property {@code bench.javaOptions}) and its class-data-sharing archive, written by a first
 * run after the build and read by every later one. {@code cold_s} is such a later run; the first run
 * and a run without the archive are printed too, and with {@code BENCH_JAVA25=<java>} a JDK 25 run
 * from an AOT cache (JEP 483/514/515). Prints the summary line last.
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
            // the parent reads this line: the CPU a cold start costs says more than its wall time on a busy machine
            OUT.printf("cpu_s=%.3f%n", cpuSeconds());
            return;
        }
        Path folder = Path.of(args.length > 0 ? args[0] : "target/bench-local/folder").toAbsolutePath();
        long[] totals = generate(folder);
        OUT.printf("bench: %d files, %d bytes in %s%n", totals[0], totals[1], folder);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> launcher = launcherOptions();
        Path archive = folder.getParent().resolve("edp-local.jsa");
        Files.deleteIfExists(archive);
        double coldPlain = cold(folder, java, launcher, List.of(), "cold-plain");
        // as ./edp does: its first run after a build writes the archive, later runs start from it
        double training = cold(folder, java, launcher, List.of("-XX:ArchiveClassesAtExit=" + archive), "cold-archive");
        double[] colds = new double[3];
        for (int i = 0; i < colds.length; i++) {
            colds[i] = cold(folder, java, launcher, List.of("-XX:SharedArchiveFile=" + archive), "cold-cds-" + i);
        }
        OUT.printf("bench: cold as ./edp starts (%s): without an archive %.2f s; the first run, writing the archive %.2f s;"
                + " later runs, from the archive %s s (cold_s: their median)%n", String.join(" ", launcher), coldPlain, training,
                Arrays.toString(colds));
        Arrays.sort(colds);
        double cold = colds[colds.length / 2];
        String java25 = System.getenv("BENCH_JAVA25");
        if (java25 != null && !java25.isBlank()) {
            Path aot = folder.getParent().resolve("edp-local.aot");
            Files.deleteIfExists(aot);
            double plain25 = cold(folder, java25, List.of(), List.of(), "cold-25-plain");
            double training25 = cold(folder, java25, List.of(), List.of("-XX:AOTCacheOutput=" + aot, "-Xlog:aot=off", "-Xlog:cds=off"),
                    "cold-25-aot-training");
            double aot25 = cold(folder, java25, List.of(), List.of("-XX:AOTCache=" + aot, "-Xlog:aot=off", "-Xlog:cds=off"), "cold-25-aot");
            OUT.printf("bench: JDK 25 (%s): without a cache %.2f s; the training run writing the AOT cache %.2f s; from the AOT cache"
                    + " %.2f s%n", java25, plain25, training25, aot25);
        }

        // an edp local that has packaged a few times: C2 goes on compiling the per-file path for about
        // fifteen packages of this folder (ADR 0104), so one warm-up run measured a JVM still compiling
        int warmups = Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP", "20"));
        double[] warmup = new double[warmups];
        for (int i = 0; i < warmups; i++) {
            long t = System.nanoTime();
            packageOnce(folder, "bench/warmup-" + (i % 3));
            warmup[i] = (System.nanoTime() - t) / 1e9;
        }
        OUT.printf("bench: %d warm-up runs: %s s%n", warmups, Arrays.toString(warmup));
        double[] warm = new double[5];
        double[] warmCpu = new double[5];
        for (int i = 0; i < warm.length; i++) {
            double cpu = cpuSeconds();
            long t = System.nanoTime();
            packageOnce(folder, "bench/warm-" + i);
            warm[i] = (System.nanoTime() - t) / 1e9;
            warmCpu[i] = cpuSeconds() - cpu;
        }
        OUT.printf("bench: warm runs: %s s, process CPU %s s%n", Arrays.toString(warm), Arrays.toString(warmCpu));
        Arrays.sort(warm);
        double warmMedian = warm[warm.length / 2];
        double openssl = openssl(folder);
        OUT.printf("bench: targets: ratio %.2f >= 1.0 %s; cold_s %.2f <= 3 x openssl_s = %.2f %s%n", openssl / warmMedian,
                openssl / warmMedian >= 1.0 ? "met" : "MISSED", cold, 3 * openssl, cold <= 3 * openssl ? "met" : "MISSED");
        OUT.println(String.format("local files=%d bytes=%d cold_s=%.2f warm_s=%.2f openssl_s=%.2f ratio=%.2f", totals[0], totals[1],
                cold, warmMedian, openssl, openssl / warmMedian));
    }

    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** The launcher's JVM options, one per line in the file {@code bench.javaOptions} names ({@code #} comments). */
    private static List<String> launcherOptions() throws IOException {
        String file = System.getProperty("bench.javaOptions");
        if (file == null) {
            throw new IllegalStateException("-Dbench.javaOptions=<edp-cli/java-options> is needed: the cold runs start as ./edp does");
        }
        return Files.readAllLines(Path.of(file)).stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
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

    /** A fresh JVM that packages the folder once: wall time from process start to exit, and its CPU time. */
    private static double cold(Path folder, String java, List<String> launcher, List<String> jvmOptions, String name) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(launcher);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LocalBench.class.getName(), "once", folder.toString(),
                "bench/" + name));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(folder.getParent().resolve("cold-runs.log").toFile()));
        long t = System.nanoTime();
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = process.waitFor();
        double seconds = (System.nanoTime() - t) / 1e9;
        if (rc != 0) {
            throw new IllegalStateException("the cold run " + command + " exited with " + rc);
        }
        String cpu = output.lines().filter(l -> l.startsWith("cpu_s=")).map(l -> l.substring(6)).findFirst().orElse("?");
        OUT.printf("bench: %s: %.2f s, process CPU %s s%n", name, seconds, cpu);
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
        // through sh, whose /proc stat then holds the CPU time of the openssl it waited for (cutime, cstime)
        List<String> command = new ArrayList<>(List.of("sh", "-c", "openssl dgst -sha256 \"$@\" > /dev/null && cat /proc/$$/stat", "sh"));
        command.addAll(files);
        for (Path f : files.stream().map(Path::of).toList()) {
            try (var in = Files.newInputStream(f)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
        long t = System.nanoTime();
        Process process = new ProcessBuilder(command).start();
        String stat = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        int rc = process.waitFor();
        double seconds = (System.nanoTime() - t) / 1e9;
        if (rc != 0) {
            throw new IllegalStateException("openssl exited with " + rc);
        }
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields from the state on: cutime and cstime are the 16th and 17th of the whole line, in clock ticks (100 a second)
        OUT.printf("bench: openssl: %.2f s, CPU %.2f s%n", seconds, (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / 100.0);
        return seconds;
    }

    private static final class Silent implements Notifier {
        @Override
        public void packageCreated(PackageRevision revision) {}

        @Override
        public void packageFailed(Failure failure) {}
    }
}

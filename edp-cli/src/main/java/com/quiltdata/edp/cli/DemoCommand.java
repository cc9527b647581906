package com.quiltdata.edp.cli;

import com.quiltdata.edp.cli.local.EmbeddedDatabase;
import com.quiltdata.edp.cli.local.FolderPackageRegistry;
import com.quiltdata.edp.cli.local.LocalFolder;
import com.quiltdata.edp.cli.local.LocalPipeline;
import com.quiltdata.edp.emit.EmitTick;
import com.quiltdata.edp.packager.port.PackageRevision;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edp demo}: the whole product in under a minute. Writes the sample data into a temporary
 * folder in two bursts, runs {@code edp local}'s pipeline with short thresholds, shows batches
 * firing and packages appearing, and checks every manifest it wrote.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "See EDP turn sample files into Quilt packages in under a minute, on this machine alone.",
        description = {"See EDP work in under a minute: sample files land in a temporary folder in two bursts,",
            "batches fire (by count, sentinel and quiet period) and Quilt packages appear in its .quilt/ registry."})
public final class DemoCommand implements Callable<Integer> {
    static final String SAMPLES = "samples/data";
    /** Written in the second burst, with the amendment to the protocol. */
    static final List<String> SECOND_BURST = List.of("lab/plate-reader-2024-06-04/plate-3.csv", "lab/plate-reader-2024-06-04/_SUCCESS");
    static final String AMENDED = "lab/plate-reader-2024-06-03/protocol.md";
    /** Revisions the demo waits for: one per prefix, and a second one of the amended prefix. */
    static final int EXPECTED_REVISIONS = 4;

    @Option(names = "--folder", paramLabel = "DIR", description = "write the sample data here instead of a new temporary folder")
    Path folder;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "45s",
            description = "give up when the packages have not all appeared after this long (default: ${DEFAULT-VALUE})")
    Duration timeout;

    private final Terminal terminal;

    public DemoCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        Map<String, byte[]> samples = samples();
        Path root = folder != null ? Files.createDirectories(folder) : Files.createTempDirectory("edp-demo-");
        if (folder != null) {
            try (Stream<Path> entries = Files.list(root)) {
                if (entries.findAny().isPresent()) {
                    throw new UsageException("the folder " + root + " is not empty", "give an empty or new folder, or leave --folder out");
                }
            }
        }
        LocalFolder local = LocalFolder.of(root);
        LocalPipeline.Rules rules = new LocalPipeline.Rules(2, 4, Duration.ofSeconds(3), Duration.ZERO, List.of(),
                List.of("_SUCCESS"), java.util.Optional.empty());
        terminal.line("edp demo: sample files land in a folder; EDP batches them and writes Quilt packages");
        terminal.line("  folder:   " + local.root());
        terminal.line("  rules:    prefix depth 2, fire at 4 files, after 3s quiet, or when _SUCCESS arrives");
        Path pgdata = Files.createTempDirectory("edp-demo-pgdata-");
        ConsoleListener listener = new ConsoleListener(terminal, () -> elapsed(started));
        terminal.line(elapsed(started) + "  starting  embedded PostgreSQL");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(pgdata);
             LocalPipeline pipeline = LocalPipeline.open(local, rules, db.login(), Clock.systemUTC(), listener)) {
            terminal.line(elapsed(started) + "  ready     PostgreSQL, store, emit and packager");

            int first = write(local, samples, name -> !SECOND_BURST.contains(name));
            terminal.line(elapsed(started) + "  burst 1   wrote " + first + " files into 3 folders");
            run(pipeline, Duration.ofSeconds(2), () -> false);

            int second = write(local, samples, SECOND_BURST::contains);
            Files.writeString(local.file(AMENDED), "- Amended 2024-06-05: plate 2 re-read after a lid change\n",
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            terminal.line(elapsed(started) + "  burst 2   wrote " + second + " files and amended " + AMENDED);
            boolean done = run(pipeline, timeout, () -> listener.written().size() >= EXPECTED_REVISIONS);
            if (!done) {
                terminal.error("edp demo: only " + listener.written().size() + " of " + EXPECTED_REVISIONS
                        + " package revisions appeared within " + DurationConverter.show(timeout));
                return EdpCommand.FAILED;
            }
            return verify(local, listener.written(), started) ? EdpCommand.OK : EdpCommand.FAILED;
        } finally {
            deleteTree(pgdata);
        }
    }

    /** Steps the pipeline every 250 ms until {@code done} holds with no batch open, or the time is up. */
    private static boolean run(LocalPipeline pipeline, Duration atMost, java.util.function.BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            EmitTick.Summary summary = pipeline.step();
            if (done.getAsBoolean() && summary.openBatches() == 0) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    private boolean verify(LocalFolder local, List<PackageRevision> revisions, long started) {
        FolderPackageRegistry registry = new FolderPackageRegistry(local, null);
        boolean ok = true;
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("package", "files", "size", "top hash", "check"));
        for (PackageRevision r : revisions) {
            Path manifest = registry.manifest(r.topHash());
            boolean newest = revisions.stream().filter(o -> o.name().equals(r.name()))
                    .max(Comparator.comparing(PackageRevision::createdAt)).orElseThrow() == r;
            // files are packaged in place: only the newest revision still matches them byte for byte
            ManifestCheck.Result result = ManifestCheck.check(manifest, newest);
            String latest = readQuietly(registry.pointers(r.name()).resolve("latest"));
            String pointer = readQuietly(registry.pointers(r.name()).resolve(Long.toString(r.createdAt().getEpochSecond())));
            List<String> problems = new ArrayList<>(result.problems());
            if (!r.topHash().equals(pointer)) {
                problems.add("timestamp pointer does not hold the top hash");
            }
            if (newest && !r.topHash().equals(latest)) {
                problems.add("latest does not point at the newest revision");
            }
            ok &= problems.isEmpty();
            rows.add(List.of(r.name().toString(), Long.toString(result.entries()), Terminal.bytes(r.totalBytes()),
                    r.topHash().substring(0, 12), problems.isEmpty() ? (newest ? "ok: top hash recomputed, files re-hashed" : "ok: top hash recomputed") : String.join("; ", problems)));
        }
        terminal.line("");
        terminal.table(rows);
        terminal.line("");
        if (!ok) {
            terminal.error("edp demo: a manifest does not check out (see above)");
            return false;
        }
        String firstName = revisions.get(0).name().toString();
        terminal.line(String.format(Locale.ROOT, "edp demo: %d package revisions written and verified in %s.", revisions.size(),
                elapsed(started).trim()));
        terminal.line("  browse:   python3 -c \"import quilt3; print(quilt3.Package.browse('" + firstName + "', registry='"
                + local.registryUrl() + "'))\"");
        terminal.line("  next:     ./edp local <your folder>    (./edp local --help for thresholds)");
        return true;
    }

    private static String elapsed(long started) {
        return String.format(Locale.ROOT, "%5.1fs", (System.nanoTime() - started) / 1e9);
    }

    private static int write(LocalFolder local, Map<String, byte[]> samples, java.util.function.Predicate<String> which) throws IOException {
        int n = 0;
        for (Map.Entry<String, byte[]> e : samples.entrySet()) {
            if (which.test(e.getKey())) {
                Path target = local.file(e.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, e.getValue());
                n++;
            }
        }
        return n;
    }

    /** The sample files (key → bytes) under samples/data/ in the jar or on the class path; files in folders only. */
    static Map<String, byte[]> samples() throws IOException {
        URL url = DemoCommand.class.getClassLoader().getResource(SAMPLES);
        if (url == null) {
            throw new IllegalStateException("the sample data (" + SAMPLES + ") is missing from the edp jar; rebuild it with ./edp");
        }
        URI uri;
        try {
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if ("jar".equals(uri.getScheme())) {
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                return read(jar.getPath("/" + SAMPLES));
            }
        }
        return read(Path.of(uri));
    }

    private static Map<String, byte[]> read(Path base) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String key = base.relativize(p).toString().replace('\\', '/');
                if (key.contains("/")) {
                    try (InputStream in = Files.newInputStream(p)) {
                        files.put(key, in.readAllBytes());
                    }
                }
            }
        }
        return files;
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind is harmless
        }
    }
}

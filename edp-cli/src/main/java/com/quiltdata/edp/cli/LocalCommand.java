package com.quiltdata.edp.cli;

import com.quiltdata.edp.cli.local.EmbeddedDatabase;
import com.quiltdata.edp.cli.local.LocalFolder;
import com.quiltdata.edp.cli.local.LocalPipeline;
import com.quiltdata.edp.observe.Bounded;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code edp local <folder>}: watch a folder and turn its batches into Quilt packages in {@code <folder>/.quilt/}. */
@Command(name = "local", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Watch a folder and turn its ready batches into Quilt packages in the folder's own registry.",
        description = {"Watch a folder: new, changed and deleted files become object events (files already there count too),",
            "ready batches become Quilt packages in <folder>/.quilt/, which quilt3 reads with",
            "  quilt3.Package.browse(\"ns/name\", registry=\"file:///abs/folder\").",
            "Stops cleanly on Ctrl-C; a restart continues where it stopped."})
public final class LocalCommand implements Callable<Integer> {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Parameters(index = "0", paramLabel = "FOLDER", description = "the folder to watch")
    Path folder;

    @Mixin
    RuleOptions rules = new RuleOptions();

    @Mixin
    ChecksumOption checksum = new ChecksumOption();

    @Option(names = "--poll", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "1s",
            description = "how often the folder is scanned and ready batches fired (default: ${DEFAULT-VALUE})")
    Duration poll;

    @ArgGroup(exclusive = false, heading = "Database (default: embedded PostgreSQL with its data in <folder>/.quilt/edp/pgdata):%n")
    DatabaseOptions database;

    private final Terminal terminal;

    public LocalCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(folder)) {
            throw new UsageException("the folder " + folder + " does not exist or is not a folder",
                    "create it first (mkdir -p " + folder + ") or name an existing folder");
        }
        if (poll.isZero()) {
            throw new UsageException("--poll must be more than 0", "for example --poll 1s");
        }
        LocalFolder local = LocalFolder.of(folder);
        EmbeddedDatabase embedded = null;
        DatabaseLogin login;
        if (database != null && database.given()) {
            login = database.login(CliEnvironment.current());
        } else {
            terminal.line("starting PostgreSQL (data in " + local.root().relativize(local.registry().resolve("edp/pgdata")) + ")...");
            embedded = EmbeddedDatabase.start(local.registry().resolve("edp").resolve("pgdata"));
            login = embedded.login();
        }
        ConsoleListener listener = new ConsoleListener(terminal, () -> LocalTime.now(ZoneId.systemDefault()).format(CLOCK));
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch stopRequested = new CountDownLatch(1);
        var running = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (LocalPipeline pipeline = LocalPipeline.open(local, rules.toRules(), login, Clock.systemUTC(), listener,
                checksum.hashType())) {
            terminal.line("edp local: watching " + local.root() + " as bucket '" + local.bucket() + "'");
            terminal.line("  rules:    " + rules.describe());
            terminal.line("  registry: " + local.registryUrl() + "   (Ctrl-C stops; a restart continues where it stopped)");
            Thread hook = new Thread(() -> {
                running.set(false);
                stopRequested.countDown();
                try {
                    stopped.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "edp-local-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            while (running.get()) {
                long started = System.nanoTime();
                try {
                    pipeline.step();
                } catch (UsageException e) {
                    throw e;
                } catch (RuntimeException e) {
                    if (!running.get()) {
                        break;
                    }
                    terminal.error("edp local: " + e.getMessage() + " (trying again)");
                }
                long left = poll.toNanos() - (System.nanoTime() - started);
                if (left > 0 && running.get()) {
                    try {
                        stopRequested.await(left, TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            terminal.line("edp local: stopped; " + listener.fired() + " batches fired, " + listener.written().size()
                    + " packages written");
        } finally {
            if (embedded != null) {
                embedded.close();
            }
            stopped.countDown();
        }
        return EdpCommand.OK;
    }

    /** The stack's thresholds, with its defaults. */
    public static final class RuleOptions {
        @Option(names = "--depth", paramLabel = "N", defaultValue = "2",
                description = "leading folders that form a batch's prefix (default: ${DEFAULT-VALUE})")
        int depth;

        @Option(names = "--count", paramLabel = "N", defaultValue = "20",
                description = "fire when this many files were created or changed (default: ${DEFAULT-VALUE})")
        int count;

        @Option(names = "--quiet", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "300",
                description = "fire after this long without activity in the prefix (default: 300s; 90s, 5m, 1h)")
        Duration quiet;

        @Option(names = "--max-age", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "0",
                description = "fire a batch open this long even while writes continue (default: 0 = off)")
        Duration maxAge;

        @Option(names = "--ignore", paramLabel = "GLOB", split = ",",
                description = "keys to ignore (* within a folder, ** across folders); repeat or separate with commas")
        List<String> ignores = new ArrayList<>();

        @Option(names = "--sentinel", paramLabel = "NAME", split = ",",
                description = "a file name that completes its batch at once (e.g. _SUCCESS); repeat or separate with commas")
        List<String> sentinels = new ArrayList<>();

        @Option(names = "--filter", paramLabel = "JQ",
                description = "jq expression over the batch's objects that must be true before count, quiet or sentinel fire")
        String filter;

        LocalPipeline.Rules toRules() {
            if (depth < 1) {
                throw new UsageException("--depth must be 1 or more, got " + depth, "--depth 2 groups lab/run-7/raw/a.csv under lab/run-7/");
            }
            if (count < 1) {
                throw new UsageException("--count must be 1 or more, got " + count, "for example --count 20");
            }
            for (String s : sentinels) {
                if (s.contains("/")) {
                    throw new UsageException("--sentinel takes file names without '/', got " + Bounded.quoted(s), "for example --sentinel _SUCCESS");
                }
            }
            return new LocalPipeline.Rules(depth, count, quiet, maxAge, List.copyOf(ignores), List.copyOf(sentinels),
                    Optional.ofNullable(filter));
        }

        String describe() {
            return "depth " + depth + ", count " + count + ", quiet " + DurationConverter.show(quiet) + ", max age "
                    + (maxAge.isZero() ? "off" : DurationConverter.show(maxAge))
                    + (sentinels.isEmpty() ? "" : ", sentinel " + String.join(",", sentinels))
                    + (ignores.isEmpty() ? "" : ", ignore " + String.join(",", ignores))
                    + (filter == null ? "" : ", filter " + filter);
        }
    }
}

package com.quiltdata.edp.processor;

import com.quiltdata.edp.processor.domain.Sha256;
import com.quiltdata.edp.processor.domain.ReadyBatch;
import com.quiltdata.edp.processor.domain.PulledPrefix;
import com.quiltdata.edp.processor.domain.MatchKeys;
import com.quiltdata.edp.processor.domain.LocalPaths;
import com.quiltdata.edp.processor.domain.BatchOutcome;
import com.quiltdata.edp.processor.domain.BatchFailedException;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.processor.port.CommandRunner;
import com.quiltdata.edp.processor.port.ExecutionFilter;
import com.quiltdata.edp.processor.port.ObjectStore;
import com.quiltdata.edp.processor.port.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The use case: for one ready batch, list the pulled folder, ask the execution filter, download the
 * selected objects, run the command on them and write back what it created or changed.
 *
 * <p>A file is written back when the target does not already hold the same bytes: unchanged inputs
 * are never uploaded (not even to another target bucket), and an output identical to the object
 * already at its key is left alone, so outputs written into a watched bucket reach a fixed point.
 */
public final class ProcessBatch {
    private static final Log LOG = Log.of("processor");
    /** Free space kept beyond the batch's bytes, for the command's own outputs and scratch files. */
    public static final long DISK_RESERVE_BYTES = 64L * 1024 * 1024;
    /** S3's single PUT limit; larger outputs fail the batch rather than being half written. */
    public static final long MAX_UPLOAD_BYTES = 5L * 1024 * 1024 * 1024;

    /**
     * @param pullParentDirs folder levels above the batch prefix to pull
     * @param matchKeys      which listed keys to download
     * @param command        the program and its arguments
     * @param timeout        how long the command may run
     * @param targetBucket   where outputs go; empty means the batch's bucket
     * @param names          the names of the three variables the command is given
     * @param workDir        where each batch's temporary folder is created
     */
    public record Options(int pullParentDirs, MatchKeys matchKeys, List<String> command, Duration timeout,
                          Optional<String> targetBucket, VariableNames names, Path workDir) {
        public Options {
            command = List.copyOf(command);
        }
    }

    /** Names of the variables that carry the root folder, the bucket and the key prefix to the command. */
    public record VariableNames(String rootFolder, String bucket, String keyPrefix) {
        public static final VariableNames DEFAULT = new VariableNames("ROOT_FOLDER", "BUCKET", "KEY_PREFIX");
    }

    private final ObjectStore store;
    private final Optional<ExecutionFilter> filter;
    private final CommandRunner runner;
    private final ExecutorService transfers;
    private final LongSupplier freeBytes;
    private final Options options;

    /**
     * @param transfers a bounded pool: its size is the number of downloads and uploads at once
     * @param freeBytes usable bytes where {@code workDir} lives
     */
    public ProcessBatch(ObjectStore store, Optional<ExecutionFilter> filter, CommandRunner runner,
                        ExecutorService transfers, LongSupplier freeBytes, Options options) {
        this.store = store;
        this.filter = filter;
        this.runner = runner;
        this.transfers = transfers;
        this.freeBytes = freeBytes;
        this.options = options;
    }

    public Options options() {
        return options;
    }

    public BatchOutcome run(ReadyBatch batch) {
        PulledPrefix pulled = PulledPrefix.of(batch.prefix(), options.pullParentDirs());
        String bucket = batch.bucket();
        String prefix = pulled.prefix();
        List<StoredObject> listed = storage(bucket, prefix, "list", () -> store.list(bucket, prefix));

        if (filter.isPresent()) {
            ExecutionFilter.Verdict verdict = filter.get().evaluate(listed, batch);
            if (verdict.kind() == ExecutionFilter.Verdict.Kind.HOLD) {
                return BatchOutcome.held(pulled, listed.size(), verdict.reason());
            }
            if (verdict.kind() == ExecutionFilter.Verdict.Kind.ERROR) {
                throw new BatchFailedException(BatchFailedException.Cause.FILTER_ERROR, bucket, prefix,
                        "execution filter failed: " + verdict.reason(), null, null, null);
            }
        }

        Path root = createRoot(bucket, prefix);
        try {
            List<StoredObject> selected = new ArrayList<>();
            int skipped = 0;
            long bytes = 0;
            for (StoredObject o : listed) {
                if (!options.matchKeys().matches(o.key())) {
                    continue;
                }
                if (LocalPaths.localPath(root, prefix, o.key()).isEmpty()) {
                    skipped++;
                    continue;
                }
                selected.add(o);
                bytes += o.size();
            }
            long free = freeBytes.getAsLong();
            if (bytes + DISK_RESERVE_BYTES > free) {
                throw new BatchFailedException(BatchFailedException.Cause.NOT_ENOUGH_DISK, bucket, prefix,
                        "the selected objects need " + bytes + " bytes plus a reserve of " + DISK_RESERVE_BYTES
                                + ", but only " + free + " are free", null, null, null);
            }

            Map<Path, String> before = download(batch, prefix, root, selected);

            CommandRunner.CommandResult result = runner.run(options.command(), root, Map.of(
                    options.names().rootFolder(), root.toString(),
                    options.names().bucket(), bucket,
                    options.names().keyPrefix(), prefix), options.timeout());
            if (result.timedOut()) {
                throw new BatchFailedException(BatchFailedException.Cause.COMMAND_TIMEOUT, bucket, prefix,
                        "the command ran longer than " + options.timeout().toSeconds() + " s and was killed",
                        null, result.outputTail(), null);
            }
            if (!result.succeeded()) {
                throw new BatchFailedException(BatchFailedException.Cause.COMMAND_FAILED, bucket, prefix,
                        "the command exited with status " + result.exitCode(), result.exitCode(), result.outputTail(), null);
            }

            String target = options.targetBucket().orElse(bucket);
            Upload upload = upload(bucket, target, prefix, root, before);
            return new BatchOutcome(BatchOutcome.Kind.RAN, prefix, pulled.clamped(), listed.size(), selected.size(), bytes,
                    skipped, upload.uploaded.get(), upload.bytes.get(), upload.unchanged.get(), result.elapsed(), "");
        } finally {
            deleteRecursively(root);
        }
    }

    private Map<Path, String> download(ReadyBatch batch, String prefix, Path root, List<StoredObject> selected) {
        Map<Path, String> before = new ConcurrentHashMap<>();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (StoredObject o : selected) {
            Path local = LocalPaths.localPath(root, prefix, o.key()).orElseThrow();
            tasks.add(() -> {
                Files.createDirectories(local.getParent());
                store.download(batch.bucket(), o.key(), batch.versions().get(o.key()), local);
                before.put(local, Sha256.ofFile(local));
                return null;
            });
        }
        runAll(tasks, batch.bucket(), prefix, "download");
        return before;
    }

    private static final class Upload {
        final AtomicInteger uploaded = new AtomicInteger();
        final AtomicInteger unchanged = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
    }

    private Upload upload(String source, String target, String prefix, Path root, Map<Path, String> before) {
        Upload upload = new Upload();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (Path file : regularFiles(source, prefix, root)) {
            tasks.add(() -> {
                String sha = Sha256.ofFile(file);
                if (sha.equals(before.get(file))) {
                    upload.unchanged.incrementAndGet();
                    return null;
                }
                String key = LocalPaths.key(prefix, root, file);
                if (!before.containsKey(file) && store.sha256(target, key).filter(sha::equals).isPresent()) {
                    upload.unchanged.incrementAndGet();
                    return null;
                }
                long size = Files.size(file);
                if (size > MAX_UPLOAD_BYTES) {
                    throw new IOException(key + " is " + size + " bytes, over the single-upload limit of " + MAX_UPLOAD_BYTES);
                }
                store.upload(target, key, file, sha);
                upload.uploaded.incrementAndGet();
                upload.bytes.addAndGet(size);
                return null;
            });
        }
        runAll(tasks, source, prefix, "upload");
        return upload;
    }

    /** Regular files under the root; symbolic links are not followed, so nothing outside the root is read. */
    private static List<Path> regularFiles(String bucket, String prefix, Path root) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new BatchFailedException(BatchFailedException.Cause.STORAGE, bucket, prefix,
                    "could not read the command's outputs: " + e.getMessage(), null, null, e);
        }
        files.sort(null);
        return files;
    }

    /** Runs the tasks on the bounded pool; the first failure cancels the rest and fails the batch. */
    private void runAll(List<Callable<Void>> tasks, String bucket, String prefix, String what) {
        List<Future<Void>> futures = new ArrayList<>(tasks.size());
        for (Callable<Void> task : tasks) {
            futures.add(transfers.submit(task));
        }
        try {
            for (Future<Void> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof BatchFailedException b) {
                throw b;
            }
            throw new BatchFailedException(BatchFailedException.Cause.STORAGE, bucket, prefix,
                    what + " failed: " + describe(cause), null, null, cause);
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new BatchFailedException(BatchFailedException.Cause.STORAGE, bucket, prefix, what + " interrupted",
                    null, null, e);
        }
    }

    private <T> T storage(String bucket, String prefix, String what, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw new BatchFailedException(BatchFailedException.Cause.STORAGE, bucket, prefix,
                    what + " failed: " + describe(e), null, null, e);
        }
    }

    private Path createRoot(String bucket, String prefix) {
        try {
            Files.createDirectories(options.workDir());
            return Files.createTempDirectory(options.workDir(), "edp-batch-").toRealPath();
        } catch (IOException e) {
            throw new BatchFailedException(BatchFailedException.Cause.STORAGE, bucket, prefix,
                    "could not create the batch folder: " + e.getMessage(), null, null, e);
        }
    }

    private static void deleteRecursively(Path root) {
        List<String> problems = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    problems.add(p + ": " + e.getMessage());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty() || Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            // the next batch gets a fresh folder; a leftover only costs disk, which the guard sees
            LOG.warn("could not remove the batch folder", "folder", root.toString(),
                    "problems", problems.subList(0, Math.min(5, problems.size())));
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}

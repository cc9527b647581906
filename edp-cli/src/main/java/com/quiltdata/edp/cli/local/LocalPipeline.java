package com.quiltdata.edp.cli.local;

import com.quiltdata.edp.cli.DatabaseLogin;
import com.quiltdata.edp.cli.UsageException;
import com.quiltdata.edp.config.BucketSettings;
import com.quiltdata.edp.config.DatabaseSettings;
import com.quiltdata.edp.domain.PrefixRule;
import com.quiltdata.edp.emit.Deadline;
import com.quiltdata.edp.emit.EmitSettings;
import com.quiltdata.edp.emit.EmitTick;
import com.quiltdata.edp.emit.EmitWiring;
import com.quiltdata.edp.emit.domain.ReadinessRules;
import com.quiltdata.edp.emit.jq.JqReadyFilter;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.packager.PackagePrefix;
import com.quiltdata.edp.packager.PackagerWiring;
import com.quiltdata.edp.packager.postgres.JdbcRevisionStore;
import com.quiltdata.edp.packager.domain.HashType;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.store.ObjectEventRecorder;
import com.quiltdata.edp.store.StoreWiring;
import com.quiltdata.edp.store.port.ObjectEventStore;
import com.quiltdata.edp.store.postgres.JdbcObjectEventStore;
import com.quiltdata.edp.store.postgres.DatabaseMigrator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * EDP on one machine: the folder's changes become S3 object events recorded by the store's
 * {@link ObjectEventRecorder}, the emit Lambda's {@link EmitTick} fires ready batches, and the
 * packager's {@link PackagePrefix} writes each one as a package in {@code <folder>/.quilt/}. Each
 * {@link #step()} scans once and runs one tick; the caller decides how often.
 */
public final class LocalPipeline implements AutoCloseable {
    private static final int RECORD_CHUNK = 1000;
    private static final int LOCAL_CONNECTIONS = 4;

    /** The stack's thresholds and options, as {@code edp local} takes them. */
    public record Rules(int depth, int count, Duration quiet, Duration maxAge, List<String> ignores,
            List<String> sentinels, Optional<String> filter) {}

    private final LocalFolder folder;
    private final FolderScanner scanner;
    private final FolderChangeEvents events;
    private final ObjectEventRecorder recorder;
    private final EmitTick tick;
    private final LocalListener listener;
    private final Clock clock;
    private final List<Database> databases;
    private final ExecutorService workers;

    private LocalPipeline(LocalFolder folder, FolderScanner scanner, FolderChangeEvents events, ObjectEventRecorder recorder,
            EmitTick tick, LocalListener listener, Clock clock, List<Database> databases, ExecutorService workers) {
        this.folder = folder;
        this.scanner = scanner;
        this.events = events;
        this.recorder = recorder;
        this.tick = tick;
        this.listener = listener;
        this.clock = clock;
        this.databases = databases;
        this.workers = workers;
    }

    /** Migrates the database, reads what was recorded before (a restart) and wires the three functions. */
    public static LocalPipeline open(LocalFolder folder, Rules rules, DatabaseLogin login, Clock clock, LocalListener listener) {
        return open(folder, rules, login, clock, listener, HashType.SHA2_256_CHUNKED);
    }

    /** As {@link #open(LocalFolder, Rules, DatabaseLogin, Clock, LocalListener)}, writing {@code hashType} hashes. */
    public static LocalPipeline open(LocalFolder folder, Rules rules, DatabaseLogin login, Clock clock, LocalListener listener,
            HashType hashType) {
        PrefixRule prefixRule;
        ReadinessRules readiness;
        Optional<JqReadyFilter> filter = Optional.empty();
        try {
            prefixRule = new PrefixRule(rules.depth(), rules.ignores());
            readiness = new ReadinessRules(rules.count(), rules.quiet(), rules.maxAge(), rules.sentinels());
            if (rules.filter().isPresent()) {
                filter = Optional.of(JqReadyFilter.compile(rules.filter().get()));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), "see 'edp local --help' for the form of each option");
        }
        try {
            DatabaseMigrator.migrate(login.jdbcUrl(), login.user(), login.password());
        } catch (RuntimeException e) {
            throw new UsageException("cannot prepare the database at " + login.jdbcUrl() + ": " + rootMessage(e),
                    "check --jdbc-url, --db-user and --db-password, or leave them out to use the embedded PostgreSQL");
        }
        // one pool for the three functions: the store, an emit claim held while its batch is packaged,
        // and the packager's revision writes made during that claim, plus one to spare
        Database db = login.database(LOCAL_CONNECTIONS);
        Metrics metrics = discardedMetrics(clock);

        FolderScanner scanner = new FolderScanner(folder.root(), listener::fileSkipped);
        long lastSequencer = remember(new JdbcObjectEventStore(db), folder, scanner);
        FolderChangeEvents events = new FolderChangeEvents(folder.bucket(), lastSequencer);
        ObjectEventRecorder recorder = StoreWiring.of(new BucketSettings(List.of(folder.bucket()), prefixRule),
                db, clock, line -> { }).recorder();

        FolderObjectReader reader = new FolderObjectReader(folder);
        ExecutorService workers = PackagerWiring.workers(Math.max(2, Runtime.getRuntime().availableProcessors()));
        Notifier notifier = new Notifier() {
            @Override
            public void packageCreated(PackageRevision revision) {
                listener.packageWritten(revision);
            }

            @Override
            public void packageFailed(Failure failure) {
                // the publisher reports failures with the batch they belong to
            }
        };
        PackagePrefix packager = new PackagePrefix(new FolderObjectLister(folder), new FolderContentHasher(folder, hashType),
                new FolderObjectCopier(), reader, new FolderPackageRegistry(folder, reader), new JdbcRevisionStore(db),
                notifier, workers, clock, Duration.ZERO, Path.of(System.getProperty("java.io.tmpdir")));
        EmitSettings emitSettings = new EmitSettings(new DatabaseSettings(login.jdbcUrl(), login.user(),
                Optional.of(login.password()), Optional.empty()), readiness, filter, "local", Optional.empty(), "local",
                Optional.empty());
        EmitTick tick = EmitWiring.assemble(db, new InProcessEventPublisher(packager, listener, clock), Optional.empty(),
                emitSettings, clock, metrics, Duration.ZERO);
        return new LocalPipeline(folder, scanner, events, recorder, tick, listener, clock,
                List.of(db), workers);
    }

    /** edp local shows its own summary; the functions' metrics lines would only be noise. */
    private static Metrics discardedMetrics(Clock clock) {
        return new Metrics("local", clock, line -> { });
    }

    /** Seeds the scanner with the files recorded before; returns the newest sequencer used. */
    private static long remember(ObjectEventStore store, LocalFolder folder, FolderScanner scanner) {
        long last = 0;
        for (ObjectEventStore.KeyState state : store.keyStates(folder.bucket())) {
            last = Math.max(last, FolderChangeEvents.sequencerValue(state.sequencer()));
            FolderScanner.Fingerprint fp = FolderScanner.Fingerprint.fromEtag(state.etag());
            if (!state.deleted() && fp != null) {
                scanner.remember(state.key(), fp);
            }
        }
        return last;
    }

    public LocalFolder folder() {
        return folder;
    }

    /** One scan of the folder (its changes recorded), then one emit tick (ready batches packaged). */
    public EmitTick.Summary step() {
        List<FolderScanner.Change> changes = scanner.scan();
        if (!changes.isEmpty()) {
            record(changes);
        }
        return tick.run(Deadline.none());
    }

    private void record(List<FolderScanner.Change> changes) {
        Instant now = clock.instant();
        Metrics metrics = discardedMetrics(clock);
        int created = 0;
        int deleted = 0;
        int stored = 0;
        for (int from = 0; from < changes.size(); from += RECORD_CHUNK) {
            List<FolderScanner.Change> chunk = changes.subList(from, Math.min(changes.size(), from + RECORD_CHUNK));
            Map<String, FolderScanner.Change> byId = new HashMap<>();
            List<ObjectEventRecorder.Message> messages = new ArrayList<>(chunk.size());
            for (FolderScanner.Change change : chunk) {
                String id = "m" + messages.size();
                byId.put(id, change);
                messages.add(new ObjectEventRecorder.Message(id, events.body(change, now)));
            }
            ObjectEventRecorder.Outcome outcome = recorder.record(messages, metrics);
            for (String failed : outcome.failedMessageIds()) {
                scanner.retry(byId.remove(failed));
            }
            for (FolderScanner.Change change : byId.values()) {
                if (change.deleted()) {
                    deleted++;
                } else {
                    created++;
                }
            }
            stored += outcome.recorded().stored();
        }
        listener.recorded(created, deleted, stored);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    @Override
    public void close() {
        workers.shutdown();
        databases.forEach(Database::close);
    }
}

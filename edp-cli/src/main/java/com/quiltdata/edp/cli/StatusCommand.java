package com.quiltdata.edp.cli;

import com.quiltdata.edp.cli.postgres.JdbcClosedBatches;
import com.quiltdata.edp.cli.postgres.JdbcClosedBatches.ClosedBatch;
import com.quiltdata.edp.emit.domain.OpenBatch;
import com.quiltdata.edp.emit.port.PackageRevisionRepository;
import com.quiltdata.edp.emit.port.RepositoryUnavailableException;
import com.quiltdata.edp.emit.postgres.JdbcBatchRepository;
import com.quiltdata.edp.emit.postgres.JdbcPackageRevisionRepository;
import com.quiltdata.edp.emit.EmitSettings;
import com.quiltdata.edp.emit.ReadyBatchEmitter;
import com.quiltdata.edp.emit.domain.ReadinessRules;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.postgres.Database;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edp status}: the open batches per prefix (counts, bytes, first and last event, when and
 * why each will fire under the thresholds), the batches closed for announcement but not yet
 * announced (how many, the oldest, each one's lease, flagged when stuck), and the recent package
 * revisions.
 */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Open batches per prefix (counts, bytes, events, when and why each fires), batches closed but not yet "
                + "announced (flagged when stuck), and recent package revisions.")
public final class StatusCommand implements Callable<Integer> {
    /** Ticks a closed batch may miss after its lease before it needs a person (docs/adr/0314). */
    static final int TICKS_OF_GRACE = 3;

    @Option(names = "--json", description = "print JSON for scripts")
    boolean json;

    @Option(names = "--revisions", paramLabel = "N", defaultValue = "10", description = "recent revisions to show (default: ${DEFAULT-VALUE})")
    int revisions;

    @Option(names = "--closed", paramLabel = "N", defaultValue = "20",
            description = "closed, not yet announced batches to list, oldest first (default: ${DEFAULT-VALUE}; all are counted)")
    int closedShown;

    @Option(names = "--attention-after", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "flag a closed batch not announced after this long (default: the emit lease, 2m, plus three tick "
                    + "periods of EMIT_TICK_SECONDS, or 10s)")
    Duration attentionAfter;

    @Option(names = "--count", paramLabel = "N", description = "count threshold (default: BUCKET_THRESHOLD_EVENT_COUNT, or 20)")
    Integer count;

    @Option(names = "--quiet", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "quiet period (default: BUCKET_THRESHOLD_DURATION, or 300s)")
    Duration quiet;

    @Option(names = "--max-age", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "max age (default: BUCKET_THRESHOLD_MAX_AGE, or off)")
    Duration maxAge;

    @Option(names = "--sentinel", paramLabel = "NAME", split = ",", description = "sentinel file names (default: BUCKET_READY_SENTINELS)")
    List<String> sentinels;

    @Mixin
    DatabaseOptions database = new DatabaseOptions();

    private final Terminal terminal;

    public StatusCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
        CliEnvironment env = CliEnvironment.current();
        ReadinessRules rules = env.with(CliEnvironment.flags(
                        "BUCKET_THRESHOLD_EVENT_COUNT", count,
                        "BUCKET_THRESHOLD_DURATION", quiet == null ? null : quiet.toSeconds(),
                        "BUCKET_THRESHOLD_MAX_AGE", maxAge == null ? null : maxAge.toSeconds(),
                        "BUCKET_READY_SENTINELS", sentinels))
                .read(EmitSettings::readinessRules, "pass --count, --quiet, --max-age as the stack has them");
        if (closedShown < 0) {
            throw new UsageException("--closed must be 0 or more, got " + closedShown, "for example: --closed 50");
        }
        Duration stuckAfter = attentionAfter != null ? attentionAfter : attentionAfter(env.read(
                e -> Duration.ofSeconds(e.integer("EMIT_TICK_SECONDS", EmitSettings.DEFAULT_TICK_SECONDS, 1, 60)),
                "pass --attention-after, or EMIT_TICK_SECONDS as the stack has it"));
        Instant now = Clock.systemUTC().instant();
        List<Map<String, Object>> batches = new ArrayList<>();
        List<Map<String, Object>> recent = new ArrayList<>();
        Map<String, Object> closed;
        try (Database db = database.login(env).database()) {
            for (OpenBatch b : new JdbcBatchRepository(db).openBatches(rules.sentinels())) {
                batches.add(describe(b, rules, now));
            }
            closed = closedBatches(new JdbcClosedBatches(db), now, stuckAfter, closedShown);
            for (PackageRevisionRepository.WrittenRevision w : new JdbcPackageRevisionRepository(db).recent(revisions)) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("registry", w.registry());
                r.put("package", w.packageName());
                r.put("top_hash", w.topHash());
                r.put("objects", w.objectCount());
                r.put("total_bytes", w.totalBytes());
                r.put("created_at", w.createdAt().toString());
                r.put("batch_id", w.batchId());
                recent.add(r);
            }
        } catch (RepositoryUnavailableException e) {
            throw new UsageException("cannot read the EDP database: " + e.getMessage(),
                    "check --jdbc-url/--db-user/--db-password (or DB_*), and that the stack's migrations ran");
        }
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("open_batches", batches);
            all.put("closed_batches", closed);
            all.put("recent_revisions", recent);
            terminal.line(Json.write(all));
            return EdpCommand.OK;
        }
        terminal.line("Open batches (" + batches.size() + ")" + (batches.isEmpty() ? ": none" : ""));
        if (!batches.isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("bucket", "prefix", "objects", "deleted", "bytes", "first event", "last event", "fires", "why"));
            for (Map<String, Object> b : batches) {
                rows.add(List.of(str(b.get("bucket")), str(b.get("prefix")), str(b.get("object_count")), str(b.get("deleted_count")),
                        Terminal.bytes((Long) b.get("total_bytes")), str(b.get("first_event_time")), str(b.get("last_event_time")),
                        str(b.get("fires")), str(b.get("why"))));
            }
            terminal.table(rows);
        }
        terminal.line("");
        printClosed(closed);
        terminal.line("");
        terminal.line("Recent revisions (" + recent.size() + ")" + (recent.isEmpty() ? ": none" : ""));
        if (!recent.isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("created", "registry", "package", "files", "bytes", "top hash"));
            for (Map<String, Object> r : recent) {
                rows.add(List.of(str(r.get("created_at")), str(r.get("registry")), str(r.get("package")), str(r.get("objects")),
                        Terminal.bytes((Long) r.get("total_bytes")), str(r.get("top_hash")).substring(0, 12)));
            }
            terminal.table(rows);
        }
        return EdpCommand.OK;
    }

    /**
     * How long a closed batch may stay unannounced before it needs a person: a healthy tick marks it
     * emitted within seconds of closing it; a tick that crashed holds it for its lease (at most
     * {@link ReadyBatchEmitter#MAX_LEASE}), after which the next tick announces it again. Beyond the lease and
     * {@link #TICKS_OF_GRACE} tick periods, ticks have kept failing or stopped (docs/adr/0314).
     */
    static Duration attentionAfter(Duration tickPeriod) {
        return ReadyBatchEmitter.MAX_LEASE.plus(tickPeriod.multipliedBy(TICKS_OF_GRACE));
    }

    /** The closed-but-unannounced batches: all counted, the oldest {@code shown} listed. */
    static Map<String, Object> closedBatches(JdbcClosedBatches closed, Instant now, Duration stuckAfter, int shown) {
        JdbcClosedBatches.Listing listing;
        try {
            listing = closed.read(now.minus(stuckAfter), shown);
        } catch (SQLException e) {
            throw new RepositoryUnavailableException("reading the closed batches failed: " + e.getMessage(), e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", listing.count());
        m.put("needing_attention", listing.closedBefore());
        m.put("attention_after_seconds", stuckAfter.toSeconds());
        m.put("oldest_closed_at", listing.oldestClosedAt().map(Instant::toString).orElse(null));
        m.put("oldest_age_seconds", listing.oldestClosedAt().map(t -> ageSeconds(t, now)).orElse(null));
        List<Map<String, Object>> listed = new ArrayList<>();
        for (ClosedBatch b : listing.oldest()) {
            listed.add(describe(b, now, stuckAfter));
        }
        m.put("batches", listed);
        return m;
    }

    /** One closed batch: where it is, since when, who may be publishing it, and whether it is stuck. */
    static Map<String, Object> describe(ClosedBatch b, Instant now, Duration stuckAfter) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bucket", b.bucket());
        m.put("prefix", b.prefix());
        m.put("batch_id", b.batchId().toString());
        m.put("trigger", b.trigger());
        m.put("object_count", b.objectCount());
        m.put("closed_at", b.closedAt().toString());
        m.put("age_seconds", ageSeconds(b.closedAt(), now));
        m.put("publishing_until", b.publishingUntil().map(Instant::toString).orElse(null));
        String state;
        String lease;
        if (b.publishingUntil().isEmpty()) {
            state = "released";
            lease = "released after a failed publish; the next tick announces it";
        } else if (b.publishingUntil().get().isAfter(now)) {
            state = "held";
            lease = "held by a tick for " + age(ageSeconds(now, b.publishingUntil().get()))
                    + " more; it may be publishing it";
        } else {
            state = "expired";
            lease = "ran out " + age(ageSeconds(b.publishingUntil().get(), now))
                    + " ago; the next tick takes it over";
        }
        m.put("lease_state", state);
        m.put("lease", lease);
        m.put("needs_attention", !b.closedAt().isAfter(now.minus(stuckAfter)));
        return m;
    }

    private void printClosed(Map<String, Object> closed) {
        long count = (Long) closed.get("count");
        if (count == 0) {
            terminal.line("Closed, not yet announced: none");
            return;
        }
        long stuck = (Long) closed.get("needing_attention");
        String after = age((Long) closed.get("attention_after_seconds"));
        terminal.line("Closed, not yet announced (" + count + "; oldest closed "
                + age((Long) closed.get("oldest_age_seconds")) + " ago)"
                + (stuck == 0 ? "" : ": " + stuck + " NEED ATTENTION (not announced " + after + " after closing)"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listed = (List<Map<String, Object>>) closed.get("batches");
        if (!listed.isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("bucket", "prefix", "batch id", "trigger", "closed at", "age", "lease", "attention"));
            for (Map<String, Object> b : listed) {
                rows.add(List.of(str(b.get("bucket")), str(b.get("prefix")), str(b.get("batch_id")), str(b.get("trigger")),
                        str(b.get("closed_at")), age((Long) b.get("age_seconds")),
                        str(b.get("lease")), Boolean.TRUE.equals(b.get("needs_attention")) ? "NEEDED" : "-"));
            }
            terminal.table(rows);
        }
        if (listed.size() < count) {
            terminal.line("... and " + (count - listed.size()) + " more (--closed N lists more)");
        }
        if (stuck > 0) {
            terminal.line("hint: every emit tick is failing before it reaches them, or none runs: see docs/operations.md, "
                    + "'When an emit tick dies mid-announcement'");
        }
    }

    /** An age an operator reads at a glance: 42s, 12m05s, 3h07m, 2d04h. */
    static String age(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format("%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86400) {
            return String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format("%dd%02dh", seconds / 86400, seconds % 86400 / 3600);
    }

    /** Whole seconds from {@code from} to {@code to}, never negative (clocks of two machines). */
    private static long ageSeconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toSeconds());
    }

    /** When and why a batch fires under the rules, using the emit Lambda's own readiness rules. */
    static Map<String, Object> describe(OpenBatch b, ReadinessRules rules, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bucket", b.bucket());
        m.put("prefix", b.prefix());
        m.put("batch_id", b.batchId().toString());
        m.put("object_count", b.objectCount());
        m.put("deleted_count", b.deletedCount());
        m.put("total_bytes", b.totalBytes());
        m.put("first_event_time", String.valueOf(b.firstEventTime()));
        m.put("last_event_time", String.valueOf(b.lastEventTime()));
        ReadinessRules.Conditions c = rules.conditionsOf(b, now);
        Instant at;
        String why;
        if (c.any()) {
            at = now;
            why = c.filtered().map(t -> t.wireName()).orElse("max_age") + " (due on the next tick, unless a ready filter holds it)";
        } else {
            at = b.lastActivityAt().plus(rules.quietPeriod());
            why = "quiet: no activity for " + DurationConverter.show(rules.quietPeriod()) + "; or count at "
                    + (rules.countThreshold() - b.objectCount()) + " more files";
            if (rules.maxAgeEnabled() && b.openedAt().plus(rules.maxAge()).isBefore(at)) {
                at = b.openedAt().plus(rules.maxAge());
                why = "max_age: open for " + DurationConverter.show(rules.maxAge()) + "; or count at "
                        + (rules.countThreshold() - b.objectCount()) + " more files";
            }
        }
        m.put("fires_at", at.toString());
        m.put("fires", at.equals(now) ? "now" : "in " + DurationConverter.show(Duration.ofSeconds(
                Math.max(0, Duration.between(now, at).toSeconds()))));
        m.put("why", why);
        return m;
    }

    private static String str(Object o) {
        return String.valueOf(o);
    }
}

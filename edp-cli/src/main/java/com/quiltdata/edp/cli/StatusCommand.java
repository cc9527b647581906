package com.quiltdata.edp.cli;

import com.quiltdata.edp.emit.domain.OpenBatch;
import com.quiltdata.edp.emit.port.PackageRevisionRepository;
import com.quiltdata.edp.emit.port.RepositoryUnavailableException;
import com.quiltdata.edp.emit.postgres.JdbcBatchRepository;
import com.quiltdata.edp.emit.postgres.JdbcPackageRevisionRepository;
import com.quiltdata.edp.emit.EmitSettings;
import com.quiltdata.edp.emit.domain.ReadinessRules;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.postgres.Database;
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
 * why each will fire under the thresholds) and the recent package revisions.
 */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Open batches per prefix (counts, bytes, events, when and why each fires) and recent package revisions.")
public final class StatusCommand implements Callable<Integer> {
    @Option(names = "--json", description = "print JSON for scripts")
    boolean json;

    @Option(names = "--revisions", paramLabel = "N", defaultValue = "10", description = "recent revisions to show (default: ${DEFAULT-VALUE})")
    int revisions;

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
        Instant now = Clock.systemUTC().instant();
        List<Map<String, Object>> batches = new ArrayList<>();
        List<Map<String, Object>> recent = new ArrayList<>();
        try (Database db = database.login(env).database()) {
            for (OpenBatch b : new JdbcBatchRepository(db).openBatches(rules.sentinels())) {
                batches.add(describe(b, rules, now));
            }
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
            terminal.line(Json.write(Map.of("open_batches", batches, "recent_revisions", recent)));
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

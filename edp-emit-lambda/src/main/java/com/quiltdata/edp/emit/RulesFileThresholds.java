package com.quiltdata.edp.emit;

import com.quiltdata.edp.emit.domain.ReadinessRules;
import com.quiltdata.edp.emit.domain.RulesFile;
import com.quiltdata.edp.emit.domain.ThresholdRules;
import com.quiltdata.edp.emit.port.RulesFileReader;
import com.quiltdata.edp.emit.port.RulesFileReader.Fetched;
import com.quiltdata.edp.emit.port.ThresholdSource;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.observe.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The thresholds of the rules file over the stack's defaults, read at run time (ADR 0313): at most
 * once per {@code recheck}, and then only fetched again when its ETag changed. A file that cannot be
 * used (malformed, missing, unreachable) never stops the tick: the last good rules this execution
 * environment read stay in force, or the stack's defaults when it has read none; every check that
 * finds it unusable logs an error and counts {@code RulesFileRejected} or {@code RulesFileUnavailable}.
 */
public final class RulesFileThresholds implements ThresholdSource {
    /** How long a tick trusts what it read: a changed file takes effect within this. */
    public static final Duration RECHECK = Duration.ofSeconds(60);

    private static final Log LOG = Log.of("emit");

    private final RulesFileReader reader;
    private final ReadinessRules defaults;
    private final Metrics metrics;
    private final Clock clock;
    private final Duration recheck;

    private ThresholdRules active;
    private Optional<String> version = Optional.empty();
    private Instant checkedAt;
    /** The problem of the version last fetched, repeated (and counted) at every check until the file changes. */
    private Optional<String> rejected = Optional.empty();

    public RulesFileThresholds(RulesFileReader reader, ReadinessRules defaults, Metrics metrics, Clock clock, Duration recheck) {
        this.reader = reader;
        this.defaults = defaults;
        this.metrics = metrics;
        this.clock = clock;
        this.recheck = recheck;
        this.active = ThresholdRules.defaultsOnly(defaults);
    }

    @Override
    public synchronized ThresholdRules current() {
        Instant now = clock.instant();
        if (checkedAt != null && now.isBefore(checkedAt.plus(recheck))) {
            return active;
        }
        checkedAt = now;
        Fetched fetched;
        try {
            fetched = reader.fetch(version);
        } catch (RuntimeException e) {
            metrics.count("RulesFileUnavailable", 1);
            LOG.error("rules file unreadable; keeping the thresholds in force", "file", reader.source(), "reason", String.valueOf(e.getMessage()),
                    "in_force", inForce());
            return active;
        }
        if (fetched instanceof Fetched.Content c) {
            version = Optional.of(c.version());
            try {
                active = RulesFile.parse(c.text(), defaults, reader.source());
                rejected = Optional.empty();
                LOG.info("rules file read", "file", reader.source(), "version", c.version(), "scopes", active.scopes().size(),
                        "rule_groups", active.groups().size());
            } catch (RulesFile.Invalid e) {
                rejected = Optional.of(e.getMessage());
                reject(e.getMessage());
            }
        } else if (fetched instanceof Fetched.Missing) {
            version = Optional.empty();
            rejected = Optional.of("rules file " + reader.source() + ": no such object");
            reject(rejected.get());
        } else {
            rejected.ifPresent(this::reject);
        }
        return active;
    }

    private void reject(String problem) {
        metrics.count("RulesFileRejected", 1);
        LOG.error("rules file rejected; keeping the thresholds in force", "problem", problem, "in_force", inForce());
    }

    private String inForce() {
        return active.scopes().isEmpty() ? "stack defaults" : "last good rules file (" + active.scopes().size() + " scopes)";
    }
}

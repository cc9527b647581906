package com.quiltdata.edp.emit;

import com.quiltdata.edp.emit.PackageReadyAnnouncer.AnnounceSummary;
import com.quiltdata.edp.emit.ReadyBatchEmitter.EmitSummary;
import com.quiltdata.edp.emit.domain.Trigger;
import com.quiltdata.edp.emit.port.BatchRepository;
import com.quiltdata.edp.emit.port.BatchRepository.BatchStats;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.observe.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One scheduled invocation: emit the ready batches, announce the ready packages, then measure the
 * open set and the closed batches not yet announced. The tick's summary is one log line and one EMF
 * metrics line.
 */
public final class EmitTick {
    private static final Log LOG = Log.of("emit");

    private final ReadyBatchEmitter emitter;
    private final PackageReadyAnnouncer announcer;
    private final BatchRepository batches;
    private final Metrics metrics;
    private final Clock clock;

    public EmitTick(ReadyBatchEmitter emitter, PackageReadyAnnouncer announcer, BatchRepository batches, Metrics metrics, Clock clock) {
        this.emitter = emitter;
        this.announcer = announcer;
        this.batches = batches;
        this.metrics = metrics;
        this.clock = clock;
    }

    public ReadyBatchEmitter emitter() {
        return emitter;
    }

    public Summary run(Deadline deadline) {
        long started = System.nanoTime();
        try {
            EmitSummary emitted = emitter.emitDue(deadline);
            record(emitted);
            AnnounceSummary announced = announcer.announce(deadline);
            metrics.count("PackageReadyPublished", announced.published());
            metrics.count("PublishFailures", announced.publishFailures());
            BatchStats stats = batches.batchStats();
            Instant now = clock.instant();
            long oldestOpenSeconds = ageSeconds(stats.oldestOpenedAt(), now);
            long oldestClosedSeconds = ageSeconds(stats.oldestClosedAt(), now);
            metrics.count("OpenBatches", stats.openCount());
            metrics.seconds("OldestOpenBatchSeconds", oldestOpenSeconds);
            // every tick, 0 when none: the alarm on it (ADR 0316) then always has data to judge
            metrics.count("ClosedBatches", stats.closedCount());
            metrics.seconds("OldestClosedBatchSeconds", oldestClosedSeconds);
            Summary summary = new Summary(emitted, announced, stats.openCount(), oldestOpenSeconds,
                    stats.closedCount(), oldestClosedSeconds);
            LOG.info("tick", summary.fields(System.nanoTime() - started));
            return summary;
        } finally {
            metrics.flush();
        }
    }

    private static long ageSeconds(Optional<Instant> since, Instant now) {
        return since.map(t -> Math.max(0, Duration.between(t, now).toSeconds())).orElse(0L);
    }

    private void record(EmitSummary s) {
        metrics.count("BatchesEmitted", s.emitted());
        for (Trigger t : Trigger.values()) {
            int n = s.emittedByTrigger().getOrDefault(t, 0);
            if (n > 0) {
                metrics.count("BatchesEmitted" + t.metricSuffix(), n);
            }
        }
        metrics.count("PublishFailures", s.publishFailures());
        metrics.count("BatchesHeld", s.held());
        s.maxLag().ifPresent(lag -> metrics.seconds("EmitLagSeconds", lag.toMillis() / 1000.0));
        // one value per announced batch, so the dashboard can show percentiles per trigger; an operator's
        // flush (manual) has no moment it became ready
        s.announceDelays().forEach((t, delays) -> {
            if (t != Trigger.MANUAL) {
                delays.forEach(d -> metrics.sample("AnnounceDelaySeconds" + t.metricSuffix(), d.toMillis() / 1000.0, "Seconds"));
            }
        });
    }

    public record Summary(EmitSummary emitted, AnnounceSummary announced, long openBatches, long oldestOpenSeconds,
            long closedBatches, long oldestClosedSeconds) {

        Object[] fields(long elapsedNanos) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("emitted", emitted.emitted());
            emitted.emittedByTrigger().forEach((t, n) -> f.put("emitted_" + t.wireName(), n));
            f.put("republished", emitted.republished());
            f.put("publish_failures", emitted.publishFailures() + announced.publishFailures());
            f.put("held", emitted.held());
            f.put("package_ready", announced.published());
            f.put("package_ready_deferred", announced.deferred());
            f.put("stopped_early", emitted.stoppedEarly() || announced.stoppedEarly());
            f.put("interrupted", emitted.interrupted());
            f.put("open_batches", openBatches);
            f.put("oldest_open_seconds", oldestOpenSeconds);
            f.put("closed_batches", closedBatches);
            f.put("oldest_closed_seconds", oldestClosedSeconds);
            f.put("duration_ms", elapsedNanos / 1_000_000);
            Object[] kv = new Object[f.size() * 2];
            int i = 0;
            for (Map.Entry<String, Object> e : f.entrySet()) {
                kv[i++] = e.getKey();
                kv[i++] = e.getValue();
            }
            return kv;
        }

        /** The handler's response: the same summary as JSON-friendly values. */
        public Map<String, Object> toMap() {
            Object[] kv = fields(0);
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i + 1 < kv.length; i += 2) {
                if (!"duration_ms".equals(kv[i])) {
                    m.put((String) kv[i], kv[i + 1]);
                }
            }
            return m;
        }
    }
}

package com.quiltdata.edp.emit;

import com.quiltdata.edp.emit.domain.PackageReady;
import com.quiltdata.edp.emit.port.CacheRefresher;
import com.quiltdata.edp.emit.port.EventPublisher;
import com.quiltdata.edp.emit.port.PackageRevisionRepository;
import com.quiltdata.edp.emit.port.PackageRevisionRepository.Cursor;
import com.quiltdata.edp.emit.port.PackageRevisionRepository.ReadyRevision;
import com.quiltdata.edp.emit.port.PackageRevisionRepository.RevisionClaim;
import com.quiltdata.edp.emit.port.PublishResult;
import com.quiltdata.edp.observe.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Publishes {@code package-ready} for the package revisions whose delay has passed (design
 * decision 11), after asking the File Gateway share, when one is configured, to refresh its cache.
 * The refresh is asked for once per tick and only when something is ready; if the gateway already
 * has its two refreshes in flight, or the call fails, the revisions wait for the next tick.
 */
public final class PackageReadyAnnouncer {
    private static final Log LOG = Log.of("emit");

    private final PackageRevisionRepository revisions;
    private final EventPublisher publisher;
    private final Optional<CacheRefresher> refresher;
    private final Clock clock;
    private final Duration reserve;
    private final int roundSize;

    public PackageReadyAnnouncer(PackageRevisionRepository revisions, EventPublisher publisher,
            Optional<CacheRefresher> refresher, Clock clock, Duration reserve, int roundSize) {
        this.revisions = revisions;
        this.publisher = publisher;
        this.refresher = refresher;
        this.clock = clock;
        this.reserve = reserve;
        this.roundSize = roundSize;
    }

    public AnnounceSummary announce(Deadline deadline) {
        Instant now = clock.instant();
        Cursor cursor = Cursor.START;
        boolean refreshed = false;
        int published = 0;
        int failures = 0;
        int deferred = 0;
        boolean stoppedEarly = false;
        while (true) {
            if (deadline.remaining().compareTo(reserve) < 0) {
                stoppedEarly = true;
                break;
            }
            int claimed;
            boolean stop = false;
            try (RevisionClaim claim = revisions.claimReady(now, cursor, roundSize)) {
                List<ReadyRevision> ready = claim.revisions();
                claimed = ready.size();
                if (claimed == 0) {
                    break;
                }
                ReadyRevision last = ready.get(claimed - 1);
                cursor = new Cursor(last.readyAt(), last.event().revisionId());
                if (refresher.isPresent() && !refreshed) {
                    CacheRefresher.Outcome outcome = refresher.get().refresh();
                    if (outcome instanceof CacheRefresher.Requested requested) {
                        refreshed = true;
                        LOG.info("file gateway cache refresh requested", "notification_id", requested.notificationId(),
                                "revisions", claimed);
                    } else if (outcome instanceof CacheRefresher.Busy busy) {
                        deferred += claimed;
                        LOG.info("file gateway busy; package-ready waits for the next tick", "reason", busy.reason(),
                                "revisions", claimed);
                        break;
                    } else {
                        deferred += claimed;
                        LOG.error("file gateway cache refresh failed; package-ready waits for the next tick",
                                "reason", ((CacheRefresher.Failed) outcome).reason(), "revisions", claimed);
                        break;
                    }
                }
                List<Long> done = new ArrayList<>();
                for (int from = 0; from < claimed; from += ReadyBatchEmitter.SLICE) {
                    if (deadline.remaining().compareTo(reserve) < 0) {
                        stoppedEarly = true;
                        break;
                    }
                    List<PackageReady> events = ready.subList(from, Math.min(claimed, from + ReadyBatchEmitter.SLICE))
                            .stream().map(ReadyRevision::event).toList();
                    PublishResult<PackageReady> result = publisher.publish(events);
                    for (PackageReady e : result.published()) {
                        done.add(e.revisionId());
                        LOG.info("package ready published", "registry", e.registry(), "package", e.packageName(),
                                "top_hash", e.topHash());
                    }
                    for (PublishResult.Failure<PackageReady> f : result.failed()) {
                        failures++;
                        LOG.warn("package-ready publish failed; retried next tick", "registry", f.event().registry(),
                                "package", f.event().packageName(), "code", f.code(), "reason", f.message());
                    }
                    if (result.interrupted()) {
                        stop = true;
                        break;
                    }
                }
                claim.markPublished(done, clock.instant());
                claim.commit();
                published += done.size();
            }
            if (stop || stoppedEarly || claimed < roundSize) {
                break;
            }
        }
        return new AnnounceSummary(published, failures, deferred, stoppedEarly);
    }

    public record AnnounceSummary(int published, int publishFailures, int deferred, boolean stoppedEarly) {}
}

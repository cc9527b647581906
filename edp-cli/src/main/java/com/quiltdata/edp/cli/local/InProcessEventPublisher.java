package com.quiltdata.edp.cli.local;

import com.quiltdata.edp.emit.domain.BusEvent;
import com.quiltdata.edp.emit.domain.PackageObjectsReady;
import com.quiltdata.edp.emit.eventbridge.EventJson;
import com.quiltdata.edp.emit.port.EventPublisher;
import com.quiltdata.edp.emit.port.PublishResult;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.packager.PackageOutcome;
import com.quiltdata.edp.packager.PackagePrefix;
import com.quiltdata.edp.packager.RejectedException;
import com.quiltdata.edp.packager.domain.ParsedMessage;
import com.quiltdata.edp.packager.domain.RequestParser;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The EDP bus and the packager queue of one machine: each {@code package-objects-ready} event is
 * serialised as EventBridge delivers it to the packager queue, parsed by the packager's own
 * {@link RequestParser} and packaged at once. An event counts as published once packaging
 * succeeded or can never succeed; a packaging failure that may pass (a file changing while it is
 * hashed) leaves the batch open and due, so the next tick packages it again. {@code package-ready}
 * events have no subscriber on one machine and are acknowledged.
 */
public final class InProcessEventPublisher implements EventPublisher {
    private final PackagePrefix packager;
    private final LocalListener listener;
    private final Clock clock;

    public InProcessEventPublisher(PackagePrefix packager, LocalListener listener, Clock clock) {
        this.packager = packager;
        this.listener = listener;
        this.clock = clock;
    }

    @Override
    public <E extends BusEvent> PublishResult<E> publish(List<E> events) {
        List<E> published = new ArrayList<>();
        List<PublishResult.Failure<E>> failed = new ArrayList<>();
        for (E event : events) {
            if (!(event instanceof PackageObjectsReady ready)) {
                published.add(event);
                continue;
            }
            listener.batchFired(ready);
            try {
                ParsedMessage parsed = RequestParser.parse(envelope(ready));
                if (parsed.request().isPresent()) {
                    PackageOutcome outcome = packager.run(parsed.request().get());
                    if (outcome.kind() == PackageOutcome.Kind.UNCHANGED) {
                        listener.packageUnchanged(outcome);
                    }
                }
                published.add(event);
            } catch (RejectedException e) {
                listener.packagingFailed(ready, e.getMessage(), false);
                published.add(event);
            } catch (RuntimeException e) {
                listener.packagingFailed(ready, String.valueOf(e.getMessage()), true);
                failed.add(new PublishResult.Failure<>(event, "PackagingFailed", String.valueOf(e.getMessage())));
            }
        }
        return new PublishResult<>(published, failed, false);
    }

    /** The event as the EDP bus rule delivers it to the packager queue. */
    String envelope(BusEvent event) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("version", "0");
        envelope.put("id", event.id());
        envelope.put("detail-type", EventJson.detailType(event));
        envelope.put("source", EventJson.SOURCE);
        envelope.put("account", "000000000000");
        envelope.put("time", clock.instant().toString());
        envelope.put("region", "local");
        envelope.put("resources", EventJson.resources(event));
        envelope.put("detail", Json.parse(EventJson.detail(event)));
        return Json.write(envelope);
    }
}

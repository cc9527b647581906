package com.quiltdata.edp.emit.eventbridge;

import com.quiltdata.edp.emit.domain.BusEvent;
import com.quiltdata.edp.emit.port.EventPublisher;
import com.quiltdata.edp.emit.port.PublishResult;
import com.quiltdata.edp.emit.port.PublishResult.Failure;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * PutEvents on the EDP bus: at most 10 entries per call and, per call, less than 256 KB counted
 * the way EventBridge counts (Time 14 bytes when set, plus the UTF-8 bytes of Source, DetailType,
 * Detail and each Resource). The response's entries line up with the request's, so a failed
 * entry maps back to its event by position. If a call throws (after the SDK's own retries), the
 * events of that call and of the calls not yet made come back failed and the result is marked
 * interrupted.
 */
public final class EventBridgeEventPublisher implements EventPublisher {
    public static final int MAX_ENTRIES = 10;
    public static final int MAX_REQUEST_BYTES = 256 * 1024;
    private static final int TIME_BYTES = 14;

    private final EventBridgeClient client;
    private final String busName;
    private final Clock clock;
    private final int maxRequestBytes;

    public EventBridgeEventPublisher(EventBridgeClient client, String busName, Clock clock) {
        this(client, busName, clock, MAX_REQUEST_BYTES);
    }

    /** With a smaller request limit, so tests can see size-based chunking with small events. */
    EventBridgeEventPublisher(EventBridgeClient client, String busName, Clock clock, int maxRequestBytes) {
        this.client = client;
        this.busName = busName;
        this.clock = clock;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public <E extends BusEvent> PublishResult<E> publish(List<E> events) {
        List<E> published = new ArrayList<>();
        List<Failure<E>> failed = new ArrayList<>();
        List<Pending<E>> chunk = new ArrayList<>();
        int chunkBytes = 0;
        boolean interrupted = false;
        for (E event : events) {
            PutEventsRequestEntry entry = entry(event);
            int size = sizeOf(entry);
            if (size >= maxRequestBytes) {
                failed.add(new Failure<>(event, "EntryTooLarge", "entry of " + size + " bytes exceeds the PutEvents limit"));
                continue;
            }
            if (chunk.size() == MAX_ENTRIES || chunkBytes + size >= maxRequestBytes) {
                interrupted = !send(chunk, interrupted, published, failed);
                chunk = new ArrayList<>();
                chunkBytes = 0;
            }
            chunk.add(new Pending<>(event, entry));
            chunkBytes += size;
        }
        if (!chunk.isEmpty()) {
            interrupted = !send(chunk, interrupted, published, failed);
        }
        return new PublishResult<>(published, failed, interrupted);
    }

    private record Pending<E>(E event, PutEventsRequestEntry entry) {}

    /** Sends one chunk (or fails it unsent once interrupted); false when the call itself failed. */
    private <E extends BusEvent> boolean send(List<Pending<E>> chunk, boolean interrupted, List<E> published, List<Failure<E>> failed) {
        if (interrupted) {
            chunk.forEach(p -> failed.add(new Failure<>(p.event, "NotSent", "an earlier PutEvents call failed")));
            return false;
        }
        PutEventsResponse response;
        try {
            response = client.putEvents(PutEventsRequest.builder().entries(chunk.stream().map(Pending::entry).toList()).build());
        } catch (SdkException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            chunk.forEach(p -> failed.add(new Failure<>(p.event, e.getClass().getSimpleName(), message)));
            return false;
        }
        List<PutEventsResultEntry> results = response.entries();
        for (int i = 0; i < chunk.size(); i++) {
            E event = chunk.get(i).event;
            PutEventsResultEntry result = i < results.size() ? results.get(i) : null;
            if (result == null) {
                failed.add(new Failure<>(event, "MissingResult", "PutEvents returned no entry for this event"));
            } else if (result.errorCode() != null || result.eventId() == null) {
                failed.add(new Failure<>(event, String.valueOf(result.errorCode()), String.valueOf(result.errorMessage())));
            } else {
                published.add(event);
            }
        }
        return true;
    }

    PutEventsRequestEntry entry(BusEvent event) {
        return PutEventsRequestEntry.builder()
                .eventBusName(busName)
                .source(EventJson.SOURCE)
                .detailType(EventJson.detailType(event))
                .resources(EventJson.resources(event))
                .detail(EventJson.detail(event))
                .time(clock.instant())
                .build();
    }

    /** An entry's size as EventBridge counts it towards the request limit. */
    static int sizeOf(PutEventsRequestEntry entry) {
        int size = entry.time() == null ? 0 : TIME_BYTES;
        size += utf8(entry.source()) + utf8(entry.detailType()) + utf8(entry.detail());
        for (String resource : entry.resources()) {
            size += utf8(resource);
        }
        return size;
    }

    private static int utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}

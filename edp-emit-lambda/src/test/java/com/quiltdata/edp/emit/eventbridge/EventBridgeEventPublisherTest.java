package com.quiltdata.edp.emit.eventbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.emit.EmitWiring;
import com.quiltdata.edp.emit.domain.PackageObjectsReady;
import com.quiltdata.edp.emit.domain.PackageReady;
import com.quiltdata.edp.emit.domain.Trigger;
import com.quiltdata.edp.emit.port.PublishResult;
import com.quiltdata.edp.emit.testing.EventSchemas;
import com.quiltdata.edp.emit.testing.FakeEventBridge;
import com.quiltdata.edp.testing.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

class EventBridgeEventPublisherTest {
    private static final Instant T = Instant.parse("2026-11-02T10:00:00Z");
    private final FakeEventBridge bus = FakeEventBridge.start();
    private final EventBridgeClient client = EmitWiring.eventBridge("us-east-1", Optional.of(bus.endpoint()));
    private final MutableClock clock = new MutableClock(T);

    @AfterEach
    void close() {
        EventSchemas.assertAllValid(bus.entries());
        client.close();
        bus.close();
    }

    private static PackageObjectsReady event(int i) {
        return new PackageObjectsReady(UUID.randomUUID(), "amzn-s3-demo-bucket", "lab/run-" + i + "/", 3, 0, 300, T, T, Trigger.COUNT);
    }

    private static List<PackageObjectsReady> events(int n) {
        return IntStream.range(0, n).mapToObj(EventBridgeEventPublisherTest::event).toList();
    }

    @Test
    void shouldSendAtMostTenEntriesPerCall() {
        PublishResult<PackageObjectsReady> result = new EventBridgeEventPublisher(client, "bus", clock).publish(events(25));
        assertEquals(25, result.published().size());
        assertEquals(List.of(10, 10, 5), bus.callSizes());
        assertEquals("bus", bus.entries().get(0).eventBusName());
    }

    @Test
    void shouldSplitCallsToStayUnderTheRequestSizeLimit() {
        List<PackageObjectsReady> events = events(6);
        EventBridgeEventPublisher probe = new EventBridgeEventPublisher(client, "bus", clock);
        int one = EventBridgeEventPublisher.sizeOf(probe.entry(events.get(0)));
        // a limit that fits two entries but not three
        EventBridgeEventPublisher publisher = new EventBridgeEventPublisher(client, "bus", clock, one * 3 - 1);
        assertEquals(6, publisher.publish(events).published().size());
        assertEquals(List.of(2, 2, 2), bus.callSizes());
    }

    @Test
    void shouldCountEntrySizeAsEventBridgeDoes() {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder().source("abc").detailType("dé").detail("{}")
                .resources("r1", "r22").time(T).build();
        assertEquals(14 + 3 + 3 + 2 + 2 + 3, EventBridgeEventPublisher.sizeOf(entry));
        assertEquals(3 + 3 + 2 + 5, EventBridgeEventPublisher.sizeOf(entry.toBuilder().time(null).build()));
    }

    @Test
    void shouldFailAnEntryTooLargeForAnyCallWithoutSendingIt() {
        EventBridgeEventPublisher publisher = new EventBridgeEventPublisher(client, "bus", clock, 100);
        PublishResult<PackageObjectsReady> result = publisher.publish(events(2));
        assertEquals(2, result.failed().size());
        assertEquals("EntryTooLarge", result.failed().get(0).code());
        assertEquals(0, bus.calls());
    }

    @Test
    void shouldMapFailedEntriesBackToTheirEvents() {
        List<PackageObjectsReady> events = events(12);
        bus.failEntries(e -> e.detail().path("prefix").asText().matches("lab/run-(1|11)/"), "ThrottlingException");

        PublishResult<PackageObjectsReady> result = new EventBridgeEventPublisher(client, "bus", clock).publish(events);

        assertEquals(10, result.published().size());
        List<String> failedPrefixes = new ArrayList<>();
        result.failed().forEach(f -> failedPrefixes.add(f.event().prefix()));
        assertEquals(List.of("lab/run-1/", "lab/run-11/"), failedPrefixes);
        assertEquals("ThrottlingException", result.failed().get(0).code());
        assertFalse(result.interrupted());
    }

    @Test
    void shouldReportEveryEventFailedAndStopWhenACallFails() {
        bus.failNextCalls(100, 500);
        PublishResult<PackageObjectsReady> result = new EventBridgeEventPublisher(client, "bus", clock).publish(events(15));
        assertTrue(result.interrupted());
        assertEquals(0, result.published().size());
        assertEquals(15, result.failed().size());
        assertEquals("NotSent", result.failed().get(14).code());
        assertTrue(bus.calls() >= 1 && bus.calls() <= 4, "one call and the SDK's retries, not the second chunk: " + bus.calls());
    }

    @Test
    void shouldPublishPackageReadyInItsDocumentedShape() {
        String hash = "a".repeat(64);
        new EventBridgeEventPublisher(client, "bus", clock).publish(List.of(new PackageReady(7, "registry-bucket", "lab/run-7", hash)));
        FakeEventBridge.Entry entry = bus.entries().get(0);
        assertEquals("package-ready", entry.detailType());
        assertEquals(List.of("arn:aws:s3:::registry-bucket"), entry.resources());
        assertEquals("{\"version\":\"0.1\",\"package-name\":\"lab/run-7\",\"bucket\":\"registry-bucket\",\"top_hash\":\"" + hash + "\"}",
                entry.detail().toString());
    }
}

package com.quiltdata.edp.emit.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.json.Json;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A local EventBridge for the real SDK client: a JDK HTTP server that speaks the awsJson1.1
 * PutEvents operation, records every entry it accepts, and can be told to fail some entries
 * (a partial failure) or whole calls (an HTTP error), and to be slow.
 *
 * <p>Its replies go out without Nagle's delay: the JDK server writes a response's headers and body
 * separately, and without {@code TCP_NODELAY} the body waits for the client's delayed ACK (about
 * 40 ms a call, which made the stand-in, not the emitter, the cost of announcing a wave). It counts
 * its own CPU per request ({@link #cpuNanos()}), so a benchmark can show it is cheap next to the
 * code it measures.
 */
public final class FakeEventBridge implements AutoCloseable {
    static {
        // read once, when the JVM's first JDK HTTP server is created; benchmarks also pass it on the command line
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** One accepted entry, as EventBridge would deliver it (minus id, account, time, region). */
    public record Entry(String eventBusName, String source, String detailType, List<String> resources, JsonNode detail) {

        /** The envelope a rule target receives, for schema validation. */
        public ObjectNode envelope() {
            ObjectNode e = JsonNodeFactory.instance.objectNode();
            e.put("version", "0");
            e.put("id", UUID.randomUUID().toString());
            e.put("detail-type", detailType);
            e.put("source", source);
            e.put("account", "111122223333");
            e.put("time", "2026-11-02T10:16:00Z");
            e.put("region", "us-east-1");
            ArrayNode r = e.putArray("resources");
            resources.forEach(r::add);
            e.set("detail", detail);
            return e;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Entry> accepted = new ArrayList<>();
    private final List<Integer> callSizes = new ArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicLong cpuNanos = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile Predicate<Entry> failEntry = e -> false;
    private volatile String failCode = "InternalFailure";
    private final AtomicInteger httpErrorsLeft = new AtomicInteger();
    private volatile int httpErrorStatus = 500;
    private volatile Duration delay = Duration.ZERO;

    private FakeEventBridge(HttpServer server) {
        this.server = server;
    }

    public static FakeEventBridge start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            FakeEventBridge fake = new FakeEventBridge(server);
            server.createContext("/", fake::handle);
            server.setExecutor(fake.executor);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake EventBridge", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Entries matching the predicate are answered with an ErrorCode (a partial failure). */
    public FakeEventBridge failEntries(Predicate<Entry> which, String errorCode) {
        this.failCode = errorCode;
        this.failEntry = which;
        return this;
    }

    /** The next {@code count} HTTP calls (SDK retries included) get this status and no entries. */
    public FakeEventBridge failNextCalls(int count, int status) {
        httpErrorStatus = status;
        httpErrorsLeft.set(count);
        return this;
    }

    public FakeEventBridge delayEachCall(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** Stops failing and delaying; keeps what was recorded. */
    public FakeEventBridge heal() {
        failEntry = e -> false;
        httpErrorsLeft.set(0);
        delay = Duration.ZERO;
        return this;
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(accepted);
    }

    /** The entries accepted after the first {@code from} (a watcher polling a long run copies only what is new). */
    public synchronized List<Entry> entriesFrom(int from) {
        return from >= accepted.size() ? List.of() : List.copyOf(accepted.subList(from, accepted.size()));
    }

    public List<Entry> entries(String detailType) {
        return entries().stream().filter(e -> e.detailType().equals(detailType)).toList();
    }

    /** Entries per PutEvents call that reached the entry stage, in order. */
    public synchronized List<Integer> callSizes() {
        return List.copyOf(callSizes);
    }

    /** Every HTTP request received, failed ones included. */
    public int calls() {
        return calls.get();
    }

    /** The most calls it was answering at one moment (since start or {@link #clear()}). */
    public int maxCallsInFlight() {
        return maxInFlight.get();
    }

    /** CPU time the stand-in's threads spent on requests (reading, parsing, recording, answering), the injected delay excluded. */
    public long cpuNanos() {
        return cpuNanos.get();
    }

    public synchronized void clear() {
        accepted.clear();
        callSizes.clear();
        calls.set(0);
        maxInFlight.set(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        long cpu = THREADS.getCurrentThreadCpuTime();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try (exchange) {
            calls.incrementAndGet();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay.toMillis()); // a sleep costs no CPU: the counted time stays the stand-in's own
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            answer(exchange, body);
        } finally {
            inFlight.decrementAndGet();
            cpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu);
        }
    }

    private void answer(HttpExchange exchange, String body) throws IOException {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (!"AWSEvents.PutEvents".equals(target)) {
            reply(exchange, 400, "{\"__type\":\"UnknownOperationException\",\"message\":\"" + target + "\"}");
            return;
        }
        if (httpErrorsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            reply(exchange, httpErrorStatus, "{\"__type\":\"InternalException\",\"message\":\"fake outage\"}");
            return;
        }
        JsonNode request = Json.parse(body);
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        ArrayNode results = response.putArray("Entries");
        int failed = 0;
        synchronized (this) {
            callSizes.add(request.path("Entries").size());
            for (JsonNode raw : request.path("Entries")) {
                List<String> resources = new ArrayList<>();
                raw.path("Resources").forEach(r -> resources.add(r.asText()));
                Entry entry = new Entry(raw.path("EventBusName").asText(), raw.path("Source").asText(),
                        raw.path("DetailType").asText(), resources, Json.parse(raw.path("Detail").asText()));
                ObjectNode result = results.addObject();
                if (failEntry.test(entry)) {
                    failed++;
                    result.put("ErrorCode", failCode);
                    result.put("ErrorMessage", "fake failure of this entry");
                } else {
                    accepted.add(entry);
                    result.put("EventId", UUID.randomUUID().toString());
                }
            }
        }
        response.put("FailedEntryCount", failed);
        reply(exchange, 200, Json.write(response));
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

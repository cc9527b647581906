package com.quiltdata.edp.emit.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.json.Json;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A local Storage Gateway answering RefreshCache for the real SDK client. It keeps a count of
 * refreshes in flight and, like the service, refuses a third with InvalidGatewayRequestException;
 * {@link #completeAll()} plays the "refresh cache complete" notification.
 */
public final class FakeStorageGateway implements AutoCloseable {
    private final HttpServer server;
    private final List<JsonNode> requests = new ArrayList<>();
    private int inFlight;
    private boolean broken;

    private FakeStorageGateway(HttpServer server) {
        this.server = server;
    }

    public static FakeStorageGateway start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            FakeStorageGateway fake = new FakeStorageGateway(server);
            server.createContext("/", fake::handle);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake Storage Gateway", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public synchronized List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    public synchronized void completeAll() {
        inFlight = 0;
    }

    /** Every call fails with an access error until healed. */
    public synchronized void breakAccess(boolean broken) {
        this.broken = broken;
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (!"StorageGateway_20130630.RefreshCache".equals(target)) {
                reply(exchange, 400, "{\"__type\":\"UnknownOperationException\"}");
                return;
            }
            if (broken) {
                reply(exchange, 400, "{\"__type\":\"AccessDeniedException\",\"message\":\"not allowed\"}");
                return;
            }
            if (inFlight >= 2) {
                reply(exchange, 400, "{\"__type\":\"InvalidGatewayRequestException\","
                        + "\"message\":\"The maximum number of concurrent refresh cache requests has been reached\"}");
                return;
            }
            JsonNode request = Json.parse(body);
            requests.add(request);
            inFlight++;
            reply(exchange, 200, "{\"FileShareARN\":\"" + request.path("FileShareARN").asText()
                    + "\",\"NotificationId\":\"" + UUID.randomUUID() + "\"}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

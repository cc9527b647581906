package com.quiltdata.edp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.aws.AwsClients;
import com.quiltdata.edp.json.Json;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A small HTTP server that answers Secrets Manager's GetSecretValue (awsJson 1.1) from secrets the
 * test sets and changes, so the real SDK client reads a secret that is rotated under it.
 */
public final class FakeSecretsManager implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final AtomicInteger reads = new AtomicInteger();

    private FakeSecretsManager(HttpServer server) {
        this.server = server;
    }

    public static FakeSecretsManager start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            FakeSecretsManager fake = new FakeSecretsManager(server);
            server.createContext("/", exchange -> {
                String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
                JsonNode request = Json.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                String id = request.path("SecretId").asText();
                String secret = fake.secrets.get(id);
                ObjectNode reply = Json.MAPPER.createObjectNode();
                int status = 200;
                if (!target.equals("secretsmanager.GetSecretValue")) {
                    status = 400;
                    reply.put("__type", "InvalidRequestException").put("message", "not faked: " + target);
                } else if (secret == null) {
                    status = 400;
                    reply.put("__type", "ResourceNotFoundException").put("message", "Secrets Manager can't find the specified secret.");
                } else {
                    fake.reads.incrementAndGet();
                    reply.put("ARN", id).put("Name", id).put("VersionId", UUID.randomUUID().toString()).put("SecretString", secret);
                    reply.putArray("VersionStages").add("AWSCURRENT");
                    reply.put("CreatedDate", System.currentTimeMillis() / 1000.0);
                }
                HttpReplies.send(exchange, status, "application/x-amz-json-1.1", Json.write(reply));
            });
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets (or rotates) the secret string served under {@code arn}. */
    public void put(String arn, String secretString) {
        secrets.put(arn, secretString);
    }

    /** GetSecretValue calls answered with a secret so far. */
    public int reads() {
        return reads.get();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A real SDK client pointed at this server. */
    public SecretsManagerClient client() {
        return AwsClients.configure(SecretsManagerClient.builder().httpClient(AwsClients.httpClient()), "us-east-1",
                Optional.of(endpoint())).build();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

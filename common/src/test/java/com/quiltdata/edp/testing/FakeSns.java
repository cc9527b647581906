package com.quiltdata.edp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.json.Json;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * A small HTTP server that speaks SNS's awsQuery Publish and records what it receives, so the real
 * SDK client is exercised end to end.
 */
public final class FakeSns implements AutoCloseable {
    /**
     * One Publish call as SNS received it. With {@code MessageStructure=json} the body is a JSON object
     * of one message per protocol; {@link #message()} and {@link #forProtocol} give what a subscriber
     * of that protocol is delivered, as SNS would.
     */
    public record Published(String topicArn, String subject, String body, String messageStructure) {
        /** What an SQS or Lambda subscriber receives. */
        public String message() {
            return forProtocol("sqs");
        }

        /** The protocol's own entry, else {@code default}; the body itself without a structure. */
        public String forProtocol(String protocol) {
            if (!"json".equals(messageStructure)) {
                return body;
            }
            JsonNode perProtocol = Json.parse(body);
            return perProtocol.has(protocol) ? perProtocol.get(protocol).asText() : perProtocol.get("default").asText();
        }
    }

    private final HttpServer server;
    private final List<Published> published = new ArrayList<>();

    private FakeSns(HttpServer server) {
        this.server = server;
    }

    public static FakeSns start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            FakeSns fake = new FakeSns(server);
            server.createContext("/", exchange -> {
                Map<String, String> form = parseForm(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                String reply;
                int status = 200;
                String invalid = "Publish".equals(form.get("Action")) ? invalidStructure(form) : null;
                if (invalid != null) {
                    status = 400;
                    reply = "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>"
                            + invalid + "</Message></Error></ErrorResponse>";
                } else if ("Publish".equals(form.get("Action"))) {
                    synchronized (fake.published) {
                        fake.published.add(new Published(form.get("TopicArn"), form.get("Subject"), form.get("Message"),
                                form.get("MessageStructure")));
                    }
                    reply = "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>"
                            + UUID.randomUUID() + "</MessageId></PublishResult><ResponseMetadata><RequestId>"
                            + UUID.randomUUID() + "</RequestId></ResponseMetadata></PublishResponse>";
                } else {
                    status = 400;
                    reply = "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>not faked: "
                            + form.get("Action") + "</Message></Error></ErrorResponse>";
                }
                HttpReplies.send(exchange, status, "text/xml", reply);
            });
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SNS's rule for {@code MessageStructure=json}: a JSON object with a string {@code default} entry. */
    private static String invalidStructure(Map<String, String> form) {
        if (!"json".equals(form.get("MessageStructure"))) {
            return null;
        }
        try {
            JsonNode message = Json.parse(form.get("Message"));
            if (!message.isObject() || !message.path("default").isTextual()) {
                return "Invalid parameter: Message Structure - No default entry in JSON message body";
            }
            for (var entry : message.properties()) {
                if (!entry.getValue().isTextual()) {
                    return "Invalid parameter: Message Structure - entry " + entry.getKey() + " is not a string";
                }
            }
            return null;
        } catch (RuntimeException e) {
            return "Invalid parameter: Message Structure - JSON message body failed to parse";
        }
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public SnsClient client() {
        return SnsClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    public List<Published> published() {
        synchronized (published) {
            return List.copyOf(published);
        }
    }

    public void clear() {
        synchronized (published) {
            published.clear();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package com.quiltdata.edp.processor.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A JDK HTTP server answering SNS's awsQuery Publish, recording each message, so the real client is used. */
public final class LocalSns implements AutoCloseable {
    /** One Publish call as received. */
    public record Published(String topicArn, String subject, String message) {}

    private final HttpServer server;
    private final List<Published> published = new ArrayList<>();

    private LocalSns(HttpServer server) {
        this.server = server;
    }

    public static LocalSns start() {
        try {
            LocalSns sns = new LocalSns(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
            sns.server.createContext("/", exchange -> {
                Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                int status = 200;
                String reply;
                if ("Publish".equals(form.get("Action"))) {
                    synchronized (sns.published) {
                        sns.published.add(new Published(form.get("TopicArn"), form.get("Subject"), form.get("Message")));
                    }
                    reply = "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>"
                            + UUID.randomUUID() + "</MessageId></PublishResult></PublishResponse>";
                } else {
                    status = 400;
                    reply = "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code></Error></ErrorResponse>";
                }
                byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/xml");
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            sns.server.start();
            return sns;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
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

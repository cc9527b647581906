package com.quiltdata.edp.store.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.store.ImmediateAnnounceSettings;
import com.quiltdata.edp.store.StoreWiring;
import com.quiltdata.edp.store.port.ImmediateAnnouncer;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;

/** The real SDK client against a local HTTP endpoint that answers as the Lambda Invoke API does. */
class LambdaImmediateAnnouncerTest {
    private static final String ALIAS = "arn:aws:lambda:us-east-1:123456789012:function:edp-emit:live";
    private final HttpServer server;
    private final List<String[]> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 202;

    LambdaImmediateAnnouncerTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new String[] {exchange.getRequestMethod(), URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8),
                exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"), body});
            byte[] answer = status == 202 ? new byte[0] : "{\"message\":\"Rate exceeded\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private LambdaClient client() {
        Env env = new Env(Map.of("EMIT_FUNCTION_ARN", ALIAS,
                "AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:" + server.getAddress().getPort()));
        ImmediateAnnounceSettings settings = ImmediateAnnounceSettings.from(env);
        env.validate();
        return StoreWiring.lambda(settings);
    }

    @Test
    void shouldInvokeTheAliasAsynchronouslyWithTheImmediateTickRequest() {
        try (LambdaClient lambda = client()) {
            new LambdaImmediateAnnouncer(lambda, ALIAS).requestTick();
        }
        assertEquals(1, requests.size());
        String[] r = requests.get(0);
        assertEquals("POST", r[0]);
        assertEquals("/2015-03-31/functions/" + ALIAS + "/invocations", r[1]);
        assertEquals("Event", r[2], "asynchronous: Lambda queues it and answers 202 at once");
        assertEquals(LambdaImmediateAnnouncer.REQUEST, r[3]);
        assertTrue(r[3].contains("\"detail-type\":\"edp-batches-ready\""), "the detail-type the emit handler recognises");
    }

    @Test
    void shouldReportAThrottledInvokeAsAFailedRequest() {
        status = 429;
        try (LambdaClient lambda = client()) {
            ImmediateAnnouncer.AnnounceRequestFailedException e = assertThrows(ImmediateAnnouncer.AnnounceRequestFailedException.class,
                    () -> new LambdaImmediateAnnouncer(lambda, ALIAS).requestTick());
            assertTrue(e.getMessage().contains(ALIAS), e.getMessage());
        }
    }
}

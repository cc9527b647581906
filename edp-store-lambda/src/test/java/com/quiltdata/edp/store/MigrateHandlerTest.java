package com.quiltdata.edp.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.testing.TestDatabase;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MigrateHandlerTest {
    HttpServer cloudFormation;
    final List<String> answers = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        cloudFormation = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cloudFormation.createContext("/", exchange -> {
            answers.add(exchange.getRequestMethod() + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        cloudFormation.start();
    }

    @AfterEach
    void stop() {
        cloudFormation.stop(0);
    }

    Map<String, Object> request(String type) {
        return Map.of("RequestType", type, "ResponseURL", "http://127.0.0.1:" + cloudFormation.getAddress().getPort() + "/answer",
                "StackId", "stack", "RequestId", "req-1", "LogicalResourceId", "DatabaseSchema");
    }

    @Test
    void createAppliesTheMigrationsOnAnEmptyDatabaseAndAnswers() {
        TestDatabase db = TestDatabase.create();
        db.execute("DROP SCHEMA " + db.schema() + " CASCADE; CREATE SCHEMA " + db.schema());
        Map<String, String> env = Map.of("DB_URL", db.jdbcUrl(), "DB_USER", db.user(), "DB_PASSWORD", db.password());
        Map<String, Object> response = new MigrateHandler(env).handleRequest(request("Create"), null);
        assertEquals("SUCCESS", response.get("Status"), String.valueOf(response.get("Reason")));
        assertEquals(0, db.scalar("SELECT count(*) FROM batch"));
        assertTrue(answers.get(0).startsWith("PUT {"), answers.toString());
        assertEquals("SUCCESS", Json.parse(answers.get(0).substring(4)).get("Status").asText());
        // a second run (stack update) applies nothing new and still succeeds
        Map<String, Object> update = new MigrateHandler(env).handleRequest(request("Update"), null);
        assertEquals("SUCCESS", update.get("Status"));
        assertEquals(0, ((Map<?, ?>) update.get("Data")).get("MigrationsApplied"));
    }

    @Test
    void aBadConfigurationFailsTheDeploymentWithTheReason() {
        Map<String, Object> response = new MigrateHandler(Map.of()).handleRequest(request("Create"), null);
        assertEquals("FAILED", response.get("Status"));
        assertTrue(String.valueOf(response.get("Reason")).contains("DB_USER is required"));
        assertEquals(1, answers.size());
    }

    @Test
    void deleteLeavesTheDatabaseAlone() {
        Map<String, Object> response = new MigrateHandler(Map.of()).handleRequest(request("Delete"), null);
        assertEquals("SUCCESS", response.get("Status"));
        assertEquals(1, answers.size());
    }
}

package com.quiltdata.edp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The template's inline digest function (SettingsDigestFunction), run with the machine's python3 the
 * way Lambda runs it: a CloudFormation custom resource request in, a cfn-response PUT to the
 * ResponseURL out, answered here by a local HTTP server.
 */
class SettingsDigestFunctionTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final BlockingQueue<String> responses = new LinkedBlockingQueue<>();
    private HttpServer server;
    private Path code;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(Python.withModule("json"), Python.INTERPRETER + " does not run; skipping");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            responses.add(exchange.getRequestMethod() + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        code = Files.createTempDirectory(Repository.scratch("digest"), "code");
        String zipFile = CloudFormationTemplate.edp().resource("SettingsDigestFunction").path("Properties").path("Code").path("ZipFile").asText();
        Files.writeString(code.resolve("index.py"), zipFile);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void answersEachRequestWithTheDigestOfItsValuesAsThePhysicalId() throws Exception {
        JsonNode created = invoke("Create", null, "{\"ServiceToken\":\"arn:x\",\"DB_USER\":\"edp\",\"BUCKET_PREFIX_DEPTH\":\"2\"}");
        assertEquals("SUCCESS", created.path("Status").asText(), created.toString());
        String id = created.path("PhysicalResourceId").asText();
        assertTrue(id.matches("settings-[0-9a-f]{32}"), id);
        assertEquals(id, created.path("Data").path("Digest").asText());

        // the same values in another order (and another service token) keep the id: no needless new version
        JsonNode same = invoke("Update", id, "{\"BUCKET_PREFIX_DEPTH\":\"2\",\"DB_USER\":\"edp\",\"ServiceToken\":\"arn:y\"}");
        assertEquals(id, same.path("PhysicalResourceId").asText());

        // one changed value gives a new id, which CloudFormation passes on to the version description
        JsonNode changed = invoke("Update", id, "{\"ServiceToken\":\"arn:x\",\"DB_USER\":\"edp\",\"BUCKET_PREFIX_DEPTH\":\"3\"}");
        assertNotEquals(id, changed.path("PhysicalResourceId").asText());

        // Delete (of a replaced id, or of the stack) succeeds and keeps the id it was given
        JsonNode deleted = invoke("Delete", id, "{\"ServiceToken\":\"arn:x\"}");
        assertEquals("SUCCESS", deleted.path("Status").asText());
        assertEquals(id, deleted.path("PhysicalResourceId").asText());
    }

    @Test
    void aMalformedRequestIsAnsweredFailedRatherThanLeftWaiting() throws Exception {
        JsonNode failed = invoke("Create", null, "\"not an object\"");
        assertEquals("FAILED", failed.path("Status").asText(), failed.toString());
        assertTrue(!failed.path("Reason").asText().isEmpty());
    }

    private JsonNode invoke(String requestType, String physicalId, String properties) throws Exception {
        ObjectNode event = MAPPER.createObjectNode()
                .put("RequestType", requestType)
                .put("ResponseURL", "http://127.0.0.1:" + server.getAddress().getPort() + "/response")
                .put("StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/edp/1")
                .put("RequestId", "r-1")
                .put("LogicalResourceId", "StoreSettings")
                .put("ResourceType", "Custom::FunctionSettings");
        if (physicalId != null) {
            event.put("PhysicalResourceId", physicalId);
        }
        event.set("ResourceProperties", MAPPER.readTree(properties));
        Path eventFile = code.resolve("event.json");
        Files.writeString(eventFile, event.toString());
        Python.Result result = Python.run(code, 60, Python.INTERPRETER, "-c",
                "import json, sys, index; index.handler(json.load(open(sys.argv[1])), None)", eventFile.toString());
        assertEquals(0, result.exitCode(), result.describe());
        String response = responses.poll(10, TimeUnit.SECONDS);
        assertTrue(response != null && response.startsWith("PUT "), "no PUT to the ResponseURL: " + response);
        return MAPPER.readTree(response.substring(4));
    }
}

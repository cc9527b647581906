package com.quiltdata.edp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** ADR 0107: the packager takes one message per invocation, so a slow package can time out only itself. */
class PackagerQueueSettingsTest {
    @Test
    void packagerTakesOneMessagePerInvocation() {
        JsonNode events = CloudFormationTemplate.edp().resource("PackagerFunction").path("Properties").path("Events");
        JsonNode sqs = events.path("Packages").path("Properties");
        assertEquals("SQS", events.path("Packages").path("Type").asText());
        assertEquals(1, sqs.path("BatchSize").asInt(), "packager BatchSize");
        assertEquals("ReportBatchItemFailures", sqs.path("FunctionResponseTypes").path(0).asText());
    }
}

package com.quiltdata.edp.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.testing.FakeSns;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnsTopicTest {

    @Test
    void publishesTheMessageAsJsonUnderASubjectSnsAccepts() {
        try (FakeSns sns = FakeSns.start()) {
            new SnsTopic(sns.client(), "arn:aws:sns:us-east-1:111122223333:edp")
                    .publish("Quilt package created: lab/é\nrun-" + "x".repeat(120), Map.of("type", "package-created"),
                            "A package was created.\n\"quoted\" and {braces}\n");
            FakeSns.Published only = sns.published().get(0);
            assertEquals("arn:aws:sns:us-east-1:111122223333:edp", only.topicArn());
            assertEquals(("Quilt package created: lab/??run-" + "x".repeat(120)).substring(0, 100), only.subject());
            assertEquals("json", only.messageStructure());
            assertEquals("package-created", Json.parse(only.message()).get("type").asText(), "SQS and Lambda get the JSON");
            assertEquals("package-created", Json.parse(only.forProtocol("email-json")).get("type").asText());
            assertEquals("A package was created.\n\"quoted\" and {braces}\n", only.forProtocol("email"), "email gets the prose");
        }
    }
}

package com.quiltdata.edp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AwsSettingsTest {

    @Test
    void awsInTheDefaultRegionWhenNothingIsSet() {
        AwsSettings aws = AwsSettings.from(new Env(Map.of()), "S3");
        assertEquals("us-east-1", aws.region());
        assertEquals(Optional.empty(), aws.endpoint());
        assertEquals(Optional.empty(), aws.endpointFor("S3"));
    }

    @Test
    void aServicesOwnEndpointWinsOverTheCommonOne() {
        Env env = new Env(Map.of("AWS_REGION", "eu-west-1", "AWS_ENDPOINT_URL", "http://localhost:4566",
                "AWS_ENDPOINT_URL_S3", "http://localhost:9090"));
        AwsSettings aws = AwsSettings.from(env, "S3", "SQS");
        env.validate();
        assertEquals("eu-west-1", aws.region());
        assertEquals(Optional.of(URI.create("http://localhost:9090")), aws.endpointFor("S3"));
        assertEquals(Optional.of(URI.create("http://localhost:4566")), aws.endpointFor("SQS"));
    }

    @Test
    void anEndpointThatIsNotAUrlIsNamed() {
        Env env = new Env(Map.of("AWS_ENDPOINT_URL", "localhost", "AWS_ENDPOINT_URL_SNS", "not a url"));
        AwsSettings.from(env, "SNS");
        ConfigurationException e = assertThrows(ConfigurationException.class, env::validate);
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("AWS_ENDPOINT_URL must be a URL"), e.getMessage());
        assertTrue(e.getMessage().contains("AWS_ENDPOINT_URL_SNS must be a URL"), e.getMessage());
    }
}

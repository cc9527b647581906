package com.quiltdata.edp.packager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.config.ConfigurationException;
import com.quiltdata.edp.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PackagerSettingsTest {
    @Test
    void shouldReadEveryVariable() {
        PackagerSettings s = PackagerSettings.from(new Env(Map.of("DB_URL", "jdbc:postgresql://h/db", "DB_USER", "u",
                "DB_PASSWORD", "p", "TOPIC_ARN", "arn:aws:sns:us-east-1:1:t", "PACKAGE_READY_DELAY", "120",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566")));
        assertEquals(Duration.ofSeconds(120), s.packageReadyDelay());
        assertEquals("http://127.0.0.1:4566", s.endpoint().orElseThrow().toString());
    }

    @Test
    void shouldNameEveryProblemAtOnce() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> PackagerSettings.from(new Env(Map.of(
                "DB_USER", "u", "DB_PASSWORD", "p", "TOPIC_ARN", "my-topic", "PACKAGE_READY_DELAY", "soon"))));
        assertTrue(e.getMessage().contains("DB_HOST is required"), e.getMessage());
        assertTrue(e.getMessage().contains("TOPIC_ARN must be an SNS topic ARN"), e.getMessage());
        assertTrue(e.getMessage().contains("PACKAGE_READY_DELAY must be a whole number"), e.getMessage());
    }
}

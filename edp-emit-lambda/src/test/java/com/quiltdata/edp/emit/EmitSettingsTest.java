package com.quiltdata.edp.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.config.ConfigurationException;
import com.quiltdata.edp.config.Env;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EmitSettingsTest {
    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("DB_HOST", "db.internal");
        env.put("DB_USER", "edp");
        env.put("DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:111122223333:secret:edp-db");
        env.put("EVENT_BUS_NAME", "edp-bus");
        return env;
    }

    @Test
    void shouldUseTheDocumentedDefaults() {
        EmitSettings s = EmitSettings.from(new Env(minimal()));
        assertEquals(20, s.rules().countThreshold());
        assertEquals(Duration.ofSeconds(300), s.rules().quietPeriod());
        assertEquals(Duration.ZERO, s.rules().maxAge());
        assertEquals(List.of(), s.rules().sentinels());
        assertEquals(Optional.empty(), s.readyFilter());
        assertEquals(Optional.empty(), s.fileGatewayShareArn());
        assertEquals("edp-bus", s.eventBusName());
        assertEquals(Duration.ofSeconds(10), s.tickPeriod());
    }

    @Test
    void shouldReadTheRulesFileLocationAndRefuseAnythingButAnS3Object() {
        Map<String, String> env = minimal();
        assertEquals(Optional.empty(), EmitSettings.from(new Env(env)).rulesFile(), "no rules file by default");
        env.put("BUCKET_RULES_URI", "s3://edp-config/edp/rules.json");
        assertEquals(Optional.of(new EmitSettings.RulesFileLocation("edp-config", "edp/rules.json")), EmitSettings.from(new Env(env)).rulesFile());

        for (String bad : List.of("edp-config/rules.json", "s3://edp-config/", "s3://Edp_Config/rules.json", "https://edp-config.s3.amazonaws.com/rules.json",
                "s3://edp-config/rules.json?versionId=1")) {
            env.put("BUCKET_RULES_URI", bad);
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> EmitSettings.from(new Env(env)), bad);
            assertTrue(e.getMessage().contains("BUCKET_RULES_URI must be s3://<bucket>/<key> of the rules file"), e.getMessage());
        }
    }

    @Test
    void shouldReadTheTickPeriodWithinAMinute() {
        Map<String, String> env = minimal();
        env.put("EMIT_TICK_SECONDS", "15");
        assertEquals(Duration.ofSeconds(15), EmitSettings.from(new Env(env)).tickPeriod());

        env.put("EMIT_TICK_SECONDS", "61");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> EmitSettings.from(new Env(env)));
        assertTrue(e.getMessage().contains("EMIT_TICK_SECONDS must be between 1 and 60, got 61"), e.getMessage());
    }

    @Test
    void shouldReadEveryRule() {
        Map<String, String> env = minimal();
        env.put("BUCKET_THRESHOLD_EVENT_COUNT", "50");
        env.put("BUCKET_THRESHOLD_DURATION", "60");
        env.put("BUCKET_THRESHOLD_MAX_AGE", "3600");
        env.put("BUCKET_READY_SENTINELS", " _SUCCESS , ro-crate-metadata.json ");
        env.put("BUCKET_READY_FILTER", "any(.[]; .key | endswith(\"/_SUCCESS\"))");
        env.put("FILE_GATEWAY_SHARE_ARN", "arn:aws:storagegateway:us-east-1:111122223333:share/share-ABCD1234");
        EmitSettings s = EmitSettings.from(new Env(env));
        assertEquals(50, s.rules().countThreshold());
        assertEquals(Duration.ofSeconds(60), s.rules().quietPeriod());
        assertEquals(Duration.ofSeconds(3600), s.rules().maxAge());
        assertEquals(List.of("_SUCCESS", "ro-crate-metadata.json"), s.rules().sentinels());
        assertTrue(s.readyFilter().isPresent());
        assertTrue(s.fileGatewayShareArn().isPresent());
    }

    @Test
    void shouldNameEveryProblemAtOnce() {
        Map<String, String> env = new HashMap<>();
        env.put("DB_HOST", "db.internal");
        env.put("DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:111122223333:secret:edp-db");
        env.put("BUCKET_THRESHOLD_EVENT_COUNT", "20s");
        env.put("BUCKET_READY_FILTER", "length >=");
        env.put("BUCKET_READY_SENTINELS", "done/_SUCCESS");
        env.put("FILE_GATEWAY_SHARE_ARN", "share-1234");
        env.put("AWS_ENDPOINT_URL", "localhost");

        ConfigurationException e = assertThrows(ConfigurationException.class, () -> EmitSettings.from(new Env(env)));

        String message = e.getMessage();
        for (String name : List.of("DB_USER", "EVENT_BUS_NAME", "BUCKET_THRESHOLD_EVENT_COUNT", "BUCKET_READY_FILTER",
                "BUCKET_READY_SENTINELS", "FILE_GATEWAY_SHARE_ARN", "AWS_ENDPOINT_URL")) {
            assertTrue(message.contains(name), name + " missing from: " + message);
        }
        assertEquals(7, e.problems().size(), message);
    }
}

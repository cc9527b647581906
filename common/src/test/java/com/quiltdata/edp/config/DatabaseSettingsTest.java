package com.quiltdata.edp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseSettingsTest {
    static Map<String, String> deployed(String... more) {
        Map<String, String> vars = new HashMap<>(Map.of(
                "DB_HOST", "edp.abc.us-east-1.rds.amazonaws.com",
                "DB_USER", "edp",
                "DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:111122223333:secret:edp-db"));
        for (int i = 0; i < more.length; i += 2) {
            vars.put(more[i], more[i + 1]);
        }
        return vars;
    }

    static List<String> problems(Map<String, String> vars) {
        Env env = new Env(vars);
        DatabaseSettings.from(env);
        return assertThrows(ConfigurationException.class, env::validate).problems();
    }

    @Test
    void tlsIsRequiredByDefaultAndTheTimeoutsHaveDefaults() {
        Env env = new Env(deployed());
        DatabaseSettings settings = DatabaseSettings.from(env);
        env.validate();
        assertEquals("jdbc:postgresql://edp.abc.us-east-1.rds.amazonaws.com:5432/edp?sslmode=require", settings.jdbcUrl());
        assertEquals(Duration.ofSeconds(10), settings.connectTimeout());
        assertEquals(Duration.ofSeconds(30), settings.socketTimeout());
    }

    @Test
    void verifyFullChecksTheServerAgainstTheGivenCaBundle(@TempDir Path dir) throws IOException {
        Path bundle = Files.writeString(dir.resolve("global bundle.pem"), "-----BEGIN CERTIFICATE-----\n");
        Env env = new Env(deployed("DB_SSLMODE", "verify-full", "DB_SSLROOTCERT", bundle.toString(),
                "DB_CONNECT_TIMEOUT", "4", "DB_SOCKET_TIMEOUT", "45"));
        DatabaseSettings settings = DatabaseSettings.from(env);
        env.validate();
        assertEquals("jdbc:postgresql://edp.abc.us-east-1.rds.amazonaws.com:5432/edp?sslmode=verify-full&sslrootcert="
                + java.net.URLEncoder.encode(bundle.toString(), java.nio.charset.StandardCharsets.UTF_8), settings.jdbcUrl());
        assertEquals(Duration.ofSeconds(4), settings.connectTimeout());
        assertEquals(Duration.ofSeconds(45), settings.socketTimeout());
    }

    @Test
    void verifyFullWithoutABundleIsRefusedAtColdStart() {
        assertEquals(List.of("DB_SSLMODE=verify-full needs DB_SSLROOTCERT, the path of the CA bundle that signed the server's certificate"),
                problems(deployed("DB_SSLMODE", "verify-full")));
    }

    @Test
    void aBundleThatIsNotThereAndAnUnknownModeAreNamed() {
        assertEquals(List.of("DB_SSLROOTCERT names no readable file: '/nowhere/rds-ca.pem'"),
                problems(deployed("DB_SSLMODE", "verify-ca", "DB_SSLROOTCERT", "/nowhere/rds-ca.pem")));
        assertEquals(List.of("DB_SSLMODE must be one of disable, allow, prefer, require, verify-ca, verify-full, got 'strict'"),
                problems(deployed("DB_SSLMODE", "strict")));
        assertEquals(List.of("DB_SOCKET_TIMEOUT must be between 1 and 2147483647, got 0"),
                problems(deployed("DB_SOCKET_TIMEOUT", "0")));
    }
}

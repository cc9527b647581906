package com.quiltdata.edp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

    @Test
    void oneErrorNamesEveryProblem() {
        Env env = new Env(Map.of("BUCKET_PREFIX_DEPTH", "deep", "BUCKET_NAMES", "Not_A_Bucket", "DB_PORT", "99999"));
        BucketSettings.from(env);
        DatabaseSettings.from(env);
        ConfigurationException e = assertThrows(ConfigurationException.class, env::validate);
        String message = e.getMessage();
        assertTrue(message.contains("BUCKET_PREFIX_DEPTH must be a whole number"), message);
        assertTrue(message.contains("'Not_A_Bucket'"), message);
        assertTrue(message.contains("DB_HOST is required"), message);
        assertTrue(message.contains("DB_PORT must be between 1 and 65535"), message);
        assertTrue(message.contains("DB_USER is required"), message);
        assertTrue(message.contains("DB_SECRET_ARN (deployed) or DB_PASSWORD (local) is required"), message);
        assertEquals(6, e.problems().size(), message);
    }

    @Test
    void readsAValidConfiguration() {
        Env env = new Env(Map.of(
                "BUCKET_NAMES", "bucket-a, bucket-b",
                "BUCKET_PREFIX_DEPTH", "3",
                "BUCKET_IGNORE_PREFIXES", " tmp/* , **/*.log ",
                "DB_HOST", "db.internal",
                "DB_USER", "edp",
                "DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:edp-db"));
        BucketSettings buckets = BucketSettings.from(env);
        DatabaseSettings db = DatabaseSettings.from(env);
        env.validate();
        assertEquals(java.util.List.of("bucket-a", "bucket-b"), buckets.bucketNames());
        assertEquals(3, buckets.prefixRule().depth());
        assertEquals(java.util.List.of("tmp/*", "**/*.log"), buckets.prefixRule().ignoreGlobs());
        assertEquals("jdbc:postgresql://db.internal:5432/edp?sslmode=require", db.jdbcUrl());
        assertTrue(db.password().isEmpty());
    }
}

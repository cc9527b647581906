package com.quiltdata.edp.packager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.config.ConfigurationException;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.packager.domain.HashType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PackagerSettingsTest {
    @Test
    void shouldReadEveryVariable() {
        PackagerSettings s = PackagerSettings.from(new Env(Map.of("DB_URL", "jdbc:postgresql://h/db", "DB_USER", "u",
                "DB_PASSWORD", "p", "TOPIC_ARN", "arn:aws:sns:us-east-1:1:t", "PACKAGE_READY_DELAY", "120",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566", "MANIFEST_CHECKSUM", "CRC64NVME")));
        assertEquals(Duration.ofSeconds(120), s.packageReadyDelay());
        assertEquals(HashType.CRC64NVME, s.manifestChecksum());
        assertEquals("http://127.0.0.1:4566", s.endpoint().orElseThrow().toString());
    }

    @Test
    void shouldNameEveryProblemAtOnce() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> PackagerSettings.from(new Env(Map.of(
                "DB_USER", "u", "DB_PASSWORD", "p", "TOPIC_ARN", "my-topic", "PACKAGE_READY_DELAY", "soon",
                "MANIFEST_CHECKSUM", "crc32"))));
        assertTrue(e.getMessage().contains("DB_HOST is required"), e.getMessage());
        assertTrue(e.getMessage().contains("TOPIC_ARN must be an SNS topic ARN"), e.getMessage());
        assertTrue(e.getMessage().contains("PACKAGE_READY_DELAY must be a whole number"), e.getMessage());
        assertTrue(e.getMessage().contains("MANIFEST_CHECKSUM must be one of sha2-256-chunked, CRC64NVME, got 'crc32'"),
                e.getMessage());
    }

    @Test
    void shouldWriteSha256ChunkedUnlessToldOtherwise() {
        PackagerSettings s = PackagerSettings.from(new Env(Map.of("DB_URL", "jdbc:postgresql://h/db", "DB_USER", "u",
                "DB_PASSWORD", "p", "TOPIC_ARN", "arn:aws:sns:us-east-1:1:t")));
        assertEquals(HashType.SHA2_256_CHUNKED, s.manifestChecksum());
    }

    @Test
    void shouldReadTheRegistryOfAutomaticPackagesAndRefuseOneThatIsNotABucket() {
        Map<String, String> base = Map.of("DB_URL", "jdbc:postgresql://h/db", "DB_USER", "u", "DB_PASSWORD", "p",
                "TOPIC_ARN", "arn:aws:sns:us-east-1:1:t");
        assertEquals(java.util.Optional.empty(), PackagerSettings.from(new Env(base)).automaticPackages().registry());
        Map<String, String> processed = new java.util.HashMap<>(base);
        processed.put("PACKAGE_REGISTRY", "processed-data");
        assertEquals(java.util.Optional.of("processed-data"), PackagerSettings.from(new Env(processed)).automaticPackages().registry());
        processed.put("PACKAGE_REGISTRY", "s3://processed-data/");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> PackagerSettings.from(new Env(processed)));
        assertTrue(e.getMessage().contains("PACKAGE_REGISTRY must be a bucket name"), e.getMessage());
    }

    private static Map<String, String> withBase(String... pairs) {
        Map<String, String> vars = new java.util.HashMap<>(Map.of("DB_URL", "jdbc:postgresql://h/db", "DB_USER", "u",
                "DB_PASSWORD", "p", "TOPIC_ARN", "arn:aws:sns:us-east-1:1:t"));
        for (int i = 0; i < pairs.length; i += 2) {
            vars.put(pairs[i], pairs[i + 1]);
        }
        return vars;
    }

    @Test
    void shouldReadTheDefaultsOfAutomaticPackages() {
        var automatic = PackagerSettings.from(new Env(withBase("AUTOMATIC_PACKAGE_MESSAGE", "nightly",
                "AUTOMATIC_PACKAGE_METADATA", "{\"Author\": \"EDP\"}", "AUTOMATIC_PACKAGE_WORKFLOW", "alpha",
                "AUTOMATIC_PACKAGE_README", "s3://cfg/edp/README.md", "AUTOMATIC_PACKAGE_QUILTIGNORE", "s3://cfg/edp/my%20ignore")))
                .automaticPackages();
        assertEquals(java.util.Optional.of("nightly"), automatic.message());
        assertEquals(java.util.Optional.of("alpha"), automatic.workflow());
        assertEquals("{\"Author\":\"EDP\"}", automatic.defaults().metadata().orElseThrow().toString());
        assertEquals(Map.of("README.md", com.quiltdata.edp.packager.domain.PhysicalKey.of("cfg", "edp/README.md", null),
                ".quiltignore", com.quiltdata.edp.packager.domain.PhysicalKey.of("cfg", "edp/my ignore", null)), automatic.defaults().files());
    }

    @Test
    void shouldDefaultToTheDocsMessageAndNothingElse() {
        var automatic = PackagerSettings.from(new Env(withBase())).automaticPackages();
        assertEquals(java.util.Optional.of("Created by EDP"), automatic.message());
        assertEquals(java.util.Optional.empty(), automatic.workflow());
        assertEquals(com.quiltdata.edp.packager.domain.PackageDefaults.NONE, automatic.defaults());
    }

    @Test
    void shouldRefuseDefaultsThatCannotWork() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> PackagerSettings.from(new Env(withBase(
                "AUTOMATIC_PACKAGE_METADATA", "[1]", "AUTOMATIC_PACKAGE_README", "s3://cfg/edp/",
                "AUTOMATIC_PACKAGE_QUILTIGNORE", "s3://cfg/i?versionId=3"))));
        assertTrue(e.getMessage().contains("AUTOMATIC_PACKAGE_METADATA must be a JSON object, got '[1]'"), e.getMessage());
        assertTrue(e.getMessage().contains("AUTOMATIC_PACKAGE_README must name one S3 object"), e.getMessage());
        assertTrue(e.getMessage().contains("AUTOMATIC_PACKAGE_QUILTIGNORE must name one S3 object"), e.getMessage());
        e = assertThrows(ConfigurationException.class, () -> PackagerSettings.from(new Env(withBase("AUTOMATIC_PACKAGE_METADATA", "{oops"))));
        assertTrue(e.getMessage().contains("AUTOMATIC_PACKAGE_METADATA is not JSON"), e.getMessage());
    }
}

package com.quiltdata.edp.packager.sns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.packager.domain.PackageName;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.testing.FakeSns;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SnsNotifierTest {
    private static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:edp";
    private static final String HASH = "a".repeat(64);
    private static final PackageRevision REVISION = new PackageRevision("lab-bucket", PackageName.parse("lab/run-7"), HASH,
            Optional.of(UUID.fromString("00000000-0000-0000-0000-000000000007")), "s3://lab-bucket/lab/run-7/", 12, 3_456_789,
            Instant.parse("2026-11-02T10:00:00Z"), Instant.parse("2026-11-02T10:00:00Z"));

    @Test
    void aCreatedPackageReadsAsProseByEmailAndAsJsonElsewhere() {
        try (FakeSns sns = FakeSns.start()) {
            new SnsNotifier(sns.client(), TOPIC, Optional.of("https://quilt.example.com/")).packageCreated(REVISION);

            FakeSns.Published notice = sns.published().get(0);
            assertEquals("Quilt package created: lab/run-7", notice.subject());
            String email = notice.forProtocol("email");
            assertTrue(email.startsWith("A new revision of the Quilt package lab/run-7 was created."), email);
            assertTrue(email.contains("Files:    12 (3.5 MB)"), email);
            assertTrue(email.contains("https://quilt.example.com/b/lab-bucket/packages/lab/run-7/tree/" + HASH + "/"), email);
            assertTrue(email.contains("quilt3.Package.browse(\"lab/run-7\", registry=\"s3://lab-bucket\", top_hash=\"" + HASH + "\")"), email);
            assertTrue(email.contains("quilt+s3://lab-bucket#package=lab/run-7@" + HASH), email);
            assertFalse(email.contains("{"), "no JSON in the email: " + email);

            JsonNode json = Json.parse(notice.message());
            assertEquals("package-created", json.get("type").asText());
            assertEquals(12, json.get("objects").asInt());
            assertEquals("https://quilt.example.com/b/lab-bucket/packages/lab/run-7/tree/" + HASH + "/", json.get("catalog_url").asText());
        }
    }

    @Test
    void withoutACatalogTheEmailHasNoCatalogLink() {
        try (FakeSns sns = FakeSns.start()) {
            new SnsNotifier(sns.client(), TOPIC).packageCreated(REVISION);

            String email = sns.published().get(0).forProtocol("email");
            assertFalse(email.contains("catalog"), email);
            assertFalse(Json.parse(sns.published().get(0).message()).has("catalog_url"));
        }
    }

    @Test
    void aFailureSaysWhyAndWhatToDo() {
        try (FakeSns sns = FakeSns.start()) {
            new SnsNotifier(sns.client(), TOPIC).packageFailed(new Notifier.Failure("s3://lab-bucket/lab/run-8/", "lab/run-8",
                    "workflow alpha rejected the package metadata", "alpha", List.of("$.project: is missing")));

            FakeSns.Published notice = sns.published().get(0);
            String email = notice.forProtocol("email");
            assertTrue(email.startsWith("EDP could not create the Quilt package lab/run-8."), email);
            assertTrue(email.contains("Reason:   workflow alpha rejected the package metadata"), email);
            assertTrue(email.contains("  - $.project: is missing"), email);
            assertTrue(email.contains("What to do: make the package's metadata satisfy the workflow alpha"), email);
            assertEquals("package-failed", Json.parse(notice.message()).get("type").asText());
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 0 B", "999, 999 B", "1000, 1.0 kB", "3456789, 3.5 MB", "1000000000000, 1.0 TB"})
    void sizesReadAsPeopleWriteThem(long bytes, String expected) {
        assertEquals(expected, SnsNotifier.humanBytes(bytes));
    }
}

package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.testing.SampleEvents;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The S3 events of registry keys, as the packager queue receives them from the template's rule. */
class RegistryPointerFormTest {

    private static String event(String detailType, String rawKey, String versionId) {
        return "{\"version\":\"0\",\"id\":\"e1\",\"detail-type\":\"" + detailType + "\",\"source\":\"aws.s3\",\"detail\":{"
                + "\"bucket\":{\"name\":\"reg\"},\"object\":{\"key\":\"" + rawKey + "\""
                + (versionId == null ? "" : ",\"version-id\":\"" + versionId + "\"") + "}}}";
    }

    @Test
    void aTimestampPointerIsARevisionToRecord() {
        ParsedMessage parsed = RequestParser.parse(SampleEvents.load("s3-object-created-registry-pointer"));
        assertEquals(RegistryPointerForm.FORM, parsed.form());
        assertTrue(parsed.request().isEmpty(), "a pointer is recorded, never packaged");
        RegistryPointer p = parsed.pointer().orElseThrow();
        assertEquals("edp-demo-bucket", p.registry());
        assertEquals(new PackageName("lab", "run-7"), p.name());
        assertEquals(1793623260L, p.epochSecond());
        assertEquals(Instant.parse("2026-11-02T12:41:00Z"), p.writtenAt());
        assertEquals(Optional.of("Pt4rQ1wE2rT3yU4iO5pA6sD7fG8hJ9kL"), p.versionId());
        assertEquals(".quilt/named_packages/lab/run-7/1793623260", p.key());
        assertEquals(PhysicalKey.of("edp-demo-bucket", p.key(), "Pt4rQ1wE2rT3yU4iO5pA6sD7fG8hJ9kL"), p.location());
    }

    @Test
    void namesAreDecodedOnceAndTheVersionIsOptional() {
        RegistryPointer p = RequestParser.parse(event("Object Created", ".quilt/named_packages/caf%C3%A9/r%C3%BCn_1/1700000000", null))
                .pointer().orElseThrow();
        assertEquals(new PackageName("café", "rün_1"), p.name());
        assertEquals(Optional.empty(), p.versionId());
        assertEquals(".quilt/named_packages/café/rün_1/1700000000", p.key());
        // an unversioned bucket's "null" version is no version
        assertEquals(Optional.empty(), RequestParser.parse(event("Object Created", ".quilt/named_packages/a/b/1700000000", "null"))
                .pointer().orElseThrow().versionId());
    }

    @Test
    void ourOwnPointerKeysAreTheOnesTheEventsName() {
        assertEquals(".quilt/named_packages/lab/run-7/1793623260",
                RegistryPointer.keyOf(new PackageName("lab", "run-7"), Instant.parse("2026-11-02T12:41:00.987Z")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "Object Created | .quilt/named_packages/lab/run-7/latest      | copies a timestamp pointer",
        "Object Deleted | .quilt/named_packages/lab/run-7/1700000000  | announces no revision",
        "Object Created | .quilt/named_packages/lab/run-7/17000000x0  | not a timestamp pointer",
        "Object Created | .quilt/named_packages/lab/run-7/            | not a timestamp pointer",
        "Object Created | .quilt/named_packages/lab/1700000000        | is not <namespace>/<name>/<pointer>",
        "Object Created | .quilt/named_packages/a/b/c/1700000000      | is not <namespace>/<name>/<pointer>",
        "Object Created | .quilt/named_packages/a+b/c/1700000000      | does not name a package",
        "Object Created | .quilt/named_packages/a/b/1234567890123456789 | not a timestamp pointer",
    })
    void otherRegistryKeysAreAcknowledgedWithTheReason(String detailType, String key, String reason) {
        ParsedMessage parsed = RequestParser.parse(event(detailType, key, "v1"));
        assertTrue(parsed.request().isEmpty() && parsed.pointer().isEmpty(), parsed.toString());
        assertEquals(RegistryPointerForm.FORM, parsed.form());
        assertTrue(parsed.ignoredBecause().contains(reason), parsed.ignoredBecause());
    }

    @Test
    void otherQuiltKeysAndRoCratesKeepTheirOwnForms() {
        assertEquals("ro-crate", RequestParser.parse(event("Object Created", ".quilt/packages/" + "a".repeat(64), null)).form());
        assertEquals("ro-crate", RequestParser.parse(event("Object Created", "lab/run-7/ro-crate-metadata.json", null)).form());
    }

    @Test
    void anEventWithoutItsBucketIsRejected() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> RequestParser.parse(
                "{\"detail-type\":\"Object Created\",\"source\":\"aws.s3\",\"detail\":{\"object\":{\"key\":\".quilt/named_packages/a/b/1\"}}}"));
        assertTrue(e.getMessage().contains("without bucket name"), e.getMessage());
    }
}

package com.quiltdata.edp.packager.domain;

import static com.quiltdata.edp.packager.domain.FormTesting.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.packager.domain.PackageRequest.MetadataSource;
import com.quiltdata.edp.packager.domain.PackageRequest.WhenEmpty;
import com.quiltdata.edp.packager.domain.PackageRequest.WorkflowChoice;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DescriptionFormTest {

    @Test
    void shouldReadEveryFieldOfADescription() {
        PackageRequest r = DescriptionForm.parse(object("""
                {"source_prefix": "s3://data/lab/run-7/x.csv", "registry": "s3://reg/", "package_name": "lab/seven",
                 "metadata_uri": "meta.json", "message": "m", "workflow": "", "should_copy": true, "allow_empty": true}"""));
        assertEquals("data", r.bucket());
        assertEquals("lab/run-7/", r.folder());
        assertEquals("reg", r.registry());
        assertEquals("lab/seven", r.name().toString());
        assertEquals(PhysicalKey.of("data", "lab/run-7/meta.json", null), ((MetadataSource.FromObject) r.metadata()).location());
        assertEquals(Optional.of("m"), r.message());
        assertEquals(new WorkflowChoice.NoWorkflow(), r.workflow());
        assertTrue(r.shouldCopy());
        assertEquals(WhenEmpty.PACKAGE, r.whenEmpty());
    }

    @Test
    void shouldPreferCommitMessageOverMessage() {
        assertEquals(Optional.of("c"), DescriptionForm.parse(object(
                "{\"source_prefix\": \"s3://b/a/\", \"commit_message\": \"c\", \"message\": \"m\"}")).message());
    }

    @Test
    void shouldLeaveEverythingElseAtItsDefault() {
        PackageRequest r = DescriptionForm.parse(object("{\"source_prefix\": \"s3://b/a/\"}"));
        assertEquals("b", r.registry());
        assertEquals(Optional.empty(), r.message());
        assertEquals(new WorkflowChoice.RegistryDefault(), r.workflow());
        assertInstanceOf(MetadataSource.FolderDefault.class, r.metadata());
        assertFalse(r.shouldCopy());
        assertEquals(WhenEmpty.REJECT, r.whenEmpty());
        assertTrue(r.batchId().isEmpty());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"source_prefix\": \"\"}|source_prefix is required and must be an s3:// URL string",
        "{\"source_prefix\": \"s3://b/a/\", \"workflow\": 3}|workflow must be a string",
        "{\"source_prefix\": \"s3://b/a/\", \"message\": 3}|message must be a string",
        "{\"source_prefix\": \"s3://b/a/\", \"metadata_uri\": 3}|metadata_uri must be a string",
        "{\"source_prefix\": \"s3://b/a/\", \"metadata_uri\": \"sub/\"}|metadata_uri must name an object, got s3://b/a/sub/",
        "{\"source_prefix\": \"s3://b/a/\", \"should_copy\": 1}|should_copy must be true or false"
    })
    void shouldNameTheFieldThatIsWrong(String body, String message) {
        assertEquals(message, assertThrows(InvalidRequestException.class, () -> DescriptionForm.parse(object(body))).getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {"reg|reg", "s3://reg|reg", "s3://reg/|reg"})
    void shouldReadARegistryAsABucket(String given, String bucket) {
        assertEquals(bucket, DescriptionForm.registryBucket(given));
    }
}

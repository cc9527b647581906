package com.quiltdata.edp.processor.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.testing.RepositoryFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReadyBatchParserTest {

    @Test
    void shouldReadTheSampleEnvelope() throws IOException {
        String body = Files.readString(RepositoryFiles.find("samples/events/package-objects-ready.json"));

        ReadyBatch batch = ReadyBatchParser.parse(body);

        assertEquals("amzn-s3-demo-bucket", batch.bucket());
        assertEquals("lab/run-7/", batch.prefix());
        assertEquals(Optional.of("0b5d1c3e-8f2a-4e61-9d7c-3a4f5e6b7c8d"), batch.batchId());
        assertEquals("quiet", batch.detail().path("trigger").asText());
        assertEquals(Map.of(), batch.versions());
    }

    @Test
    void shouldReadABareDetailWithPinnedVersions() {
        ReadyBatch batch = ReadyBatchParser.parse("""
                {"bucket":"b1","prefix":"a b/c+d/","objects":[{"key":"a b/c+d/x","version_id":"v1"},{"key":"a b/c+d/y"}]}""");

        assertEquals("a b/c+d/", batch.prefix());
        assertEquals(Optional.empty(), batch.batchId());
        assertEquals(Map.of("a b/c+d/x", "v1"), batch.versions());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json",
            "[]",
            "{\"bucket\":\"b1\"}",
            "{\"bucket\":\"b1\",\"prefix\":\"no-slash\"}",
            "{\"bucket\":\"b1\",\"prefix\":\"/abs/\"}",
            "{\"source\":\"aws.s3\",\"detail-type\":\"Object Created\",\"detail\":{\"bucket\":{\"name\":\"b1\"}}}",
            "{\"source\":\"other\",\"detail-type\":\"package-objects-ready\",\"detail\":{\"bucket\":\"b1\",\"prefix\":\"a/\"}}",
    })
    void shouldRejectWhatIsNotAReadyBatch(String body) {
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> ReadyBatchParser.parse(body));
        assertTrue(!e.getMessage().isBlank());
    }

    @Test
    void shouldEchoAHugeFieldOnlyInPart() {
        String body = "{\"bucket\":\"b1\",\"prefix\":\"" + "p".repeat(1_000_000) + "\"}";
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> ReadyBatchParser.parse(body));
        assertTrue(e.getMessage().length() < 400, e.getMessage().length() + " chars");
        assertTrue(e.getMessage().endsWith("...[cut, 1000000 chars]'"), e.getMessage());
    }
}

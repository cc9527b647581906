package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** File count and size of manifests other writers made, read as a stream. */
class ManifestSummaryTest {

    private static ManifestSummary read(String manifest) {
        return ManifestSummary.read(new ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8)), "s3://reg/.quilt/packages/h");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "package-P1-nested-tree-entry-meta.json, 4, 20",
        "package-04-empty-file-and-hash-types.json, 4, 17",
        "package-01-minimal-no-meta-null-message.json, -1, -1",
        "package-P2-keys-with-spaces-and-plus.json, -1, -1",
    })
    void quilt3ManifestsCountTheirFiles(String vector, long entries, long bytes) {
        String manifest = Golden.load(vector).path("manifest_jsonl").asText();
        ManifestSummary summary = read(manifest);
        if (entries < 0) {
            // the vector's own lines say what to expect: every line after the header is a file
            long lines = manifest.lines().count() - 1;
            long size = manifest.lines().skip(1).mapToLong(l -> com.quiltdata.edp.json.Json.parse(l).path("size").asLong()).sum();
            assertEquals(new ManifestSummary(lines, size), summary);
        } else {
            assertEquals(new ManifestSummary(entries, bytes), summary);
        }
    }

    @Test
    void directoryMetadataLinesAreNotFiles() {
        String manifest = """
                {"version": "v0", "message": null}
                {"logical_key": "a/", "meta": {"owner": "lab"}}
                {"logical_key": "a/x.csv", "physical_keys": ["s3://b/a/x.csv"], "size": 12345678901, "hash": {"type": "SHA256", "value": "00"}, "meta": {}}
                {"logical_key": "b/", "physical_keys": [], "meta": {}}
                """;
        assertEquals(new ManifestSummary(1, 12345678901L), read(manifest));
    }

    @Test
    void anEmptyPackageHasNoFiles() {
        assertEquals(new ManifestSummary(0, 0), read("{\"version\": \"v0\", \"message\": null}\n"));
        // no trailing newline on the last line is read the same
        assertEquals(new ManifestSummary(0, 0), read("{\"version\": \"v0\", \"message\": null}"));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "''                                                                              | is empty",
        "{\"message\": null}                                                             | line 1 is not a package header",
        "[1, 2]                                                                          | line 1 is not a JSON object",
        "{\"version\": \"v0\"}\\n{\"logical_key\": \"x\", \"physical_keys\": [\"s3://b/x\"]} | line 2 has no size",
        "{\"version\": \"v0\"}\\n{\"logical_key\": \"x\", \"physical_keys\": [\"s3://b/x\"], \"size\": -1} | line 2 has no size",
        "{\"version\": \"v0\"}\\nnot json                                                 | line 2 is not JSON",
        "<html>AccessDenied</html>                                                        | line 1 is not JSON",
    })
    void whatIsNotAManifestIsRejectedNamingTheLine(String manifest, String problem) {
        UnreadableManifestException e = assertThrows(UnreadableManifestException.class, () -> read(manifest.replace("\\n", "\n")));
        assertTrue(e.getMessage().contains("s3://reg/.quilt/packages/h") && e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void aLineLongerThanQuilt3AcceptsIsRejectedWithoutReadingItWhole() {
        byte[] header = "{\"version\": \"v0\", \"message\": \"".getBytes(StandardCharsets.UTF_8);
        InputStream endless = new InputStream() {
            long served;

            @Override
            public int read() {
                served++;
                if (served > 50_000_000) {
                    throw new AssertionError("read far past the line limit");
                }
                return served <= header.length ? header[(int) served - 1] : 'x';
            }
        };
        UnreadableManifestException e = assertThrows(UnreadableManifestException.class, () -> ManifestSummary.read(endless, "m"));
        assertTrue(e.getMessage().contains("line 1 is longer than the 1000000 bytes"), e.getMessage());
    }

    @Test
    void aBrokenStreamIsWorthARetryNotARejection() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        assertThrows(UncheckedIOException.class, () -> ManifestSummary.read(broken, "m"));
    }
}

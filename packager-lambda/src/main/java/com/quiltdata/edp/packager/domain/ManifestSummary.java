package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.json.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The file count and size of a manifest someone else wrote, read line by line as it streams in, so
 * a manifest of millions of entries costs one line of memory. Lines with physical keys are files;
 * lines without them are directory metadata (quilt-format.md section 2.1).
 *
 * @param entries   files in the package
 * @param totalSize the sum of their sizes
 */
public record ManifestSummary(long entries, long totalSize) {

    /**
     * @param where names the manifest in error messages
     * @throws UnreadableManifestException when the bytes are not a Quilt manifest
     * @throws UncheckedIOException        when the stream fails (worth a retry)
     */
    public static ManifestSummary read(InputStream stream, String where) {
        InputStream in = stream instanceof BufferedInputStream ? stream : new BufferedInputStream(stream, 1 << 16);
        long entries = 0;
        long totalSize = 0;
        long lineNumber = 0;
        try {
            ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
            while (readLine(in, line, where, lineNumber + 1)) {
                lineNumber++;
                JsonNode node = parse(line.toByteArray(), where, lineNumber);
                line.reset();
                if (lineNumber == 1) {
                    if (!node.path("version").isTextual()) {
                        throw new UnreadableManifestException(where + " line 1 is not a package header (no \"version\")");
                    }
                    continue;
                }
                JsonNode physicalKeys = node.path("physical_keys");
                if (!physicalKeys.isArray() || physicalKeys.isEmpty()) {
                    continue; // directory metadata
                }
                JsonNode size = node.path("size");
                if (!size.canConvertToExactIntegral() || size.asLong() < 0) {
                    throw new UnreadableManifestException(where + " line " + lineNumber + " has no size in bytes");
                }
                entries++;
                totalSize += size.asLong();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + where + " failed: " + e.getMessage(), e);
        }
        if (lineNumber == 0) {
            throw new UnreadableManifestException(where + " is empty");
        }
        return new ManifestSummary(entries, totalSize);
    }

    /** Reads up to the next newline (not kept); false at the end of the stream with nothing read. */
    private static boolean readLine(InputStream in, ByteArrayOutputStream line, String where, long lineNumber) throws IOException {
        int b;
        boolean any = false;
        while ((b = in.read()) >= 0) {
            any = true;
            if (b == '\n') {
                return true;
            }
            if (line.size() >= ManifestWriter.MAX_LINE_BYTES) {
                throw new UnreadableManifestException(where + " line " + lineNumber + " is longer than the "
                        + ManifestWriter.MAX_LINE_BYTES + " bytes quilt3 accepts");
            }
            line.write(b);
        }
        return any;
    }

    private static JsonNode parse(byte[] line, String where, long lineNumber) {
        try {
            JsonNode node = Json.MAPPER.readTree(line);
            if (node == null || !node.isObject()) {
                throw new UnreadableManifestException(where + " line " + lineNumber + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new UnreadableManifestException(where + " line " + lineNumber + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

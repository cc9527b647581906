package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Manifests and top hashes byte for byte equal to what quilt3 wrote for the same input. */
class GoldenManifestTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "package-01-minimal-no-meta-null-message.json",
        "package-02-message-and-rich-user-meta.json",
        "package-04-empty-file-and-hash-types.json",
        "package-P1-nested-tree-entry-meta.json",
        "package-P2-keys-with-spaces-and-plus.json",
        "package-P3-user-meta-null-legacy-hash.json"
    })
    void shouldWriteTheManifestAndTopHashQuilt3Wrote(String file) throws Exception {
        // Given the entries and metadata quilt3 was given, in its input order
        JsonNode vector = Golden.load(file);
        List<ManifestEntry> entries = new ArrayList<>();
        for (JsonNode e : vector.get("entries_input_order")) {
            entries.add(entry(e));
        }
        entries.sort((a, b) -> LogicalKeys.compare(a.logicalKey(), b.logicalKey()));
        JsonNode message = vector.get("message");
        ManifestHeader header = ManifestHeader.of(userMeta(vector), Optional.empty(),
                message.isNull() ? null : message.textValue());

        // When the manifest is streamed
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ManifestWriter writer = new ManifestWriter(out, header);
        for (ManifestEntry entry : entries) {
            writer.add(entry);
        }
        ManifestWriter.Written written = writer.finish();

        // Then bytes, top-hash input and top hash are quilt3's
        assertEquals(vector.get("manifest_jsonl").textValue(), out.toString(StandardCharsets.UTF_8));
        assertEquals(vector.get("manifest_sha256_hex").textValue(),
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray())));
        StringBuilder input = new StringBuilder(header.canonical());
        entries.forEach(e -> input.append(e.canonical()));
        assertEquals(vector.get("top_hash_input_text").textValue(), input.toString());
        assertEquals(vector.get("top_hash").textValue(), written.topHash());
        assertEquals(out.size(), written.bytes());
        assertEquals(entries.size(), written.entries());
        assertThrows(IllegalStateException.class, writer::finish, "the digest can be read once");
    }

    private static Optional<JsonNode> userMeta(JsonNode vector) {
        if (vector.has("set_meta_called") && !vector.get("set_meta_called").booleanValue()) {
            return Optional.empty();
        }
        if (vector.has("user_meta_input")) {
            JsonNode meta = vector.get("user_meta_input");
            return Optional.of(meta.isNull() ? NullNode.instance : meta);
        }
        return Optional.empty();
    }

    private static ManifestEntry entry(JsonNode e) {
        PhysicalKey key;
        if (e.has("physical_key")) {
            JsonNode pk = e.get("physical_key");
            key = PhysicalKey.of(pk.get("bucket").textValue(), pk.get("key").textValue(), text(pk, "version_id"));
            assertEquals(e.get("physical_key_url").textValue(), key.toUrl());
        } else {
            key = PhysicalKey.of(e.get("bucket").textValue(), e.get("key").textValue(), text(e, "version_id"));
        }
        byte[] content = e.has("content_b64")
                ? Base64.getDecoder().decode(e.get("content_b64").textValue())
                : e.get("content").textValue().getBytes(StandardCharsets.UTF_8);
        Checksum hash;
        if (e.hasNonNull("hash")) {
            hash = new Checksum(e.get("hash").get("type").textValue(), e.get("hash").get("value").textValue());
            if (hash.type().equals(Checksum.SHA2_256_CHUNKED)) {
                assertEquals(hash, chunked(content), "chunked checksum of " + e.get("logical_key"));
            }
        } else {
            hash = chunked(content);
        }
        ObjectNode meta = e.hasNonNull("meta") ? (ObjectNode) e.get("meta") : null;
        long size = e.has("size") ? e.get("size").longValue() : content.length;
        return new ManifestEntry(e.get("logical_key").textValue(), key, size, hash, meta);
    }

    private static Checksum chunked(byte[] content) {
        ChunkedChecksum c = new ChunkedChecksum(content.length);
        c.update(content, 0, content.length);
        return c.finish();
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).textValue() : null;
    }
}

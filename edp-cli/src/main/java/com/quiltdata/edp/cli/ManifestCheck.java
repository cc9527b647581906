package com.quiltdata.edp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.cli.local.FolderContentHasher;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.packager.domain.Checksum;
import com.quiltdata.edp.packager.domain.HashType;
import com.quiltdata.edp.packager.domain.ManifestEntry;
import com.quiltdata.edp.packager.domain.ManifestHeader;
import com.quiltdata.edp.packager.domain.ManifestWriter;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Re-reads a manifest a registry holds and recomputes its top hash with the packager's own
 * manifest code; for local files it also re-hashes each file. What {@code edp demo} shows as proof.
 */
public final class ManifestCheck {
    private ManifestCheck() {}

    /** What a check found: the recomputed top hash, the entries, and any problems. */
    public record Result(String topHash, int entries, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public static Result check(Path manifest, boolean hashLocalFiles) {
        List<String> problems = new ArrayList<>();
        List<ManifestEntry> entries = new ArrayList<>();
        ManifestHeader header;
        try (BufferedReader in = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
            JsonNode head = Json.parse(in.readLine());
            header = ManifestHeader.of(head.has("user_meta") ? Optional.of(head.get("user_meta")) : Optional.empty(),
                    head.has("workflow") ? Optional.of((ObjectNode) head.get("workflow")) : Optional.empty(),
                    head.path("message").isNull() ? null : head.path("message").asText());
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode e = Json.parse(line);
                if (!e.has("physical_keys") || e.get("physical_keys").isEmpty()) {
                    continue; // directory metadata: not hashed
                }
                PhysicalKey key = PhysicalKey.parse(e.get("physical_keys").get(0).asText());
                long size = e.get("size").asLong();
                Checksum hash = new Checksum(e.path("hash").path("type").asText(), e.path("hash").path("value").asText());
                entries.add(new ManifestEntry(e.get("logical_key").asText(), key, size, hash, (ObjectNode) e.get("meta")));
                if (hashLocalFiles && key.isLocal()) {
                    Checksum actual = FolderContentHasher.hash(Path.of(key.key()), size, HashType.parse(hash.type()));
                    if (!actual.equals(hash)) {
                        problems.add(e.get("logical_key").asText() + ": file hash " + actual.value() + " != manifest " + hash.value());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        } catch (RuntimeException e) {
            problems.add("cannot rebuild the manifest " + manifest.getFileName() + ": " + e.getMessage());
            return new Result(null, entries.size(), problems);
        }
        String topHash;
        try {
            ManifestWriter writer = new ManifestWriter(OutputStream.nullOutputStream(), header);
            for (ManifestEntry entry : entries) {
                writer.add(entry);
            }
            topHash = writer.finish().topHash();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!topHash.equals(manifest.getFileName().toString())) {
            problems.add("top hash recomputed as " + topHash + " but the manifest is stored as " + manifest.getFileName());
        }
        return new Result(topHash, entries.size(), problems);
    }
}

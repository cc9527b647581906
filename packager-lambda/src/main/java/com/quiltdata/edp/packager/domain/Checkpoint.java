package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One part of a package built over several invocations (ADR 0114): where the folder's listing
 * stopped, what the listing has shown so far, and the entries this part hashed. Stored as gzip JSON
 * lines, a header line then one short line per entry, so a part of a few hundred thousand objects is
 * a few MB and is read back one line at a time.
 *
 * @param header  what the next invocation needs to go on
 * @param entries the entries hashed (or copied) by this part only
 */
public record Checkpoint(Header header, List<ManifestEntry> entries) {
    public static final String FORMAT = "edp-package-checkpoint-1";

    /**
     * @param run          the run this part belongs to
     * @param part         this part's number, from 1
     * @param writtenBy    the SQS message whose invocation wrote it (a redelivery of that message re-sends its continuation)
     * @param request      which request the run builds: a continuation must be for the same one
     * @param afterKey     the last key the listing handed out; the next part lists the keys after it
     * @param listed       objects listed under the folder so far, before anything was skipped or ignored
     * @param present      the names asked about that the folder has shown so far
     * @param metadataFile the folder's metadata file, if the listing has shown it
     * @param ignore       the {@code .quiltignore} text the run applies (read once, by its first part), or null
     */
    public record Header(UUID run, int part, String writtenBy, RequestIdentity request, String afterKey, long listed,
            Set<String> present, Optional<PhysicalKey> metadataFile, String ignore) {
        public Header {
            present = Set.copyOf(present);
            metadataFile = metadataFile == null ? Optional.empty() : metadataFile;
        }
    }

    /** What a checkpoint must match to be continued by a request: its source, registry, package and copy mode. */
    public record RequestIdentity(String bucket, String folder, String registry, String packageName, boolean shouldCopy) {
        public static RequestIdentity of(PackageRequest request) {
            return new RequestIdentity(request.bucket(), request.folder(), request.registry(), request.name().toString(),
                    request.shouldCopy());
        }
    }

    public Checkpoint {
        entries = List.copyOf(entries);
    }

    /** Writes the part as gzip JSON lines. */
    public void writeTo(OutputStream out) throws IOException {
        GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16);
        Writer text = new OutputStreamWriter(gzip, StandardCharsets.UTF_8);
        JsonFactory factory = Json.MAPPER.getFactory();
        try (JsonGenerator json = factory.createGenerator(text)) {
            json.setRootValueSeparator(null);
            json.writeTree(headerNode());
            json.flush();
            text.write('\n');
            for (ManifestEntry e : entries) {
                json.writeStartObject();
                json.writeStringField("k", e.logicalKey());
                json.writeStringField("p", e.physicalKey().toUrl());
                json.writeNumberField("s", e.size());
                json.writeStringField("t", e.hash().type());
                json.writeStringField("v", e.hash().value());
                json.writeEndObject();
                json.flush();
                text.write('\n');
            }
        }
    }

    private ObjectNode headerNode() {
        Header h = header;
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("format", FORMAT);
        n.put("run", h.run().toString());
        n.put("part", h.part());
        n.put("written_by", h.writtenBy());
        n.put("bucket", h.request().bucket());
        n.put("folder", h.request().folder());
        n.put("registry", h.request().registry());
        n.put("package", h.request().packageName());
        n.put("should_copy", h.request().shouldCopy());
        n.put("after_key", h.afterKey());
        n.put("listed", h.listed());
        new TreeSet<>(h.present()).forEach(n.putArray("present")::add);
        h.metadataFile().ifPresent(m -> n.put("metadata_file", m.toUrl()));
        if (h.ignore() != null) {
            n.put("ignore", h.ignore());
        }
        n.put("entries", entries.size());
        return n;
    }

    /** Reads only the header line of a part written by {@link #writeTo} (the entries are not parsed). */
    public static Header readHeader(InputStream in) throws IOException {
        return header(firstLine(lines(in)));
    }

    /** Reads a part written by {@link #writeTo}; a damaged or foreign one is an {@link IllegalArgumentException}. */
    public static Checkpoint readFrom(InputStream in) throws IOException {
        BufferedReader lines = lines(in);
        JsonNode h = firstLine(lines);
        Header header = header(h);
        int count = h.path("entries").asInt();
        List<ManifestEntry> entries = new ArrayList<>(count);
        JsonFactory factory = Json.MAPPER.getFactory();
        String line;
        while ((line = lines.readLine()) != null) {
            try (com.fasterxml.jackson.core.JsonParser p = factory.createParser(line)) {
                String k = null, url = null, type = null, value = null;
                long size = -1;
                p.nextToken();
                while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    switch (field) {
                        case "k" -> k = p.getText();
                        case "p" -> url = p.getText();
                        case "s" -> size = p.getLongValue();
                        case "t" -> type = p.getText();
                        case "v" -> value = p.getText();
                        default -> p.skipChildren();
                    }
                }
                entries.add(ManifestEntry.of(k, PhysicalKey.parse(url), size, new Checksum(type, value)));
            }
        }
        if (entries.size() != count) {
            throw new IllegalArgumentException("the checkpoint is cut short: " + entries.size() + " of " + count + " entries");
        }
        return new Checkpoint(header, entries);
    }

    private static BufferedReader lines(InputStream in) throws IOException {
        return new BufferedReader(new InputStreamReader(new GZIPInputStream(in, 1 << 16), StandardCharsets.UTF_8), 1 << 16);
    }

    private static JsonNode firstLine(BufferedReader lines) throws IOException {
        String first = lines.readLine();
        if (first == null) {
            throw new IllegalArgumentException("the checkpoint is empty");
        }
        JsonNode h = Json.parse(first);
        if (!FORMAT.equals(h.path("format").asText())) {
            throw new IllegalArgumentException("not a package checkpoint (format " + h.path("format") + ")");
        }
        return h;
    }

    private static Header header(JsonNode h) {
        Set<String> present = new TreeSet<>();
        h.path("present").forEach(p -> present.add(p.asText()));
        return new Header(UUID.fromString(h.path("run").asText()), h.path("part").asInt(), h.path("written_by").asText(),
                new RequestIdentity(h.path("bucket").asText(), h.path("folder").asText(), h.path("registry").asText(),
                        h.path("package").asText(), h.path("should_copy").asBoolean()),
                h.path("after_key").asText(), h.path("listed").asLong(), present,
                h.hasNonNull("metadata_file") ? Optional.of(PhysicalKey.parse(h.get("metadata_file").asText())) : Optional.empty(),
                h.hasNonNull("ignore") ? h.get("ignore").asText() : null);
    }

    /** Refuses a checkpoint written for another source, registry, package or copy mode. */
    public static void requireSameRequest(Header header, PackageRequest request) {
        if (!header.request().equals(RequestIdentity.of(request))) {
            throw new IllegalArgumentException("the checkpoint belongs to another request: " + header.request());
        }
    }
}

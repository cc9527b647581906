package com.quiltdata.edp.it.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checks a settled pipeline against what the test wrote ({@link S3EventSource#writes()}), never
 * against the code under test's own idea of the answer:
 * <ul>
 *   <li>every write is recorded exactly once: lost when no event row has its key, version and kind,
 *       duplicated when more than one has (the event id is the primary key, so a duplicate can
 *       only show as the same write under another id);</li>
 *   <li>every write is in at most one emitted batch (duplicated when in two), and in exactly one
 *       unless a later write of the same key in the same batch replaced it; every batch is emitted
 *       at the end (none open, none closed but unannounced);</li>
 *   <li>every batch id was published with one content only ({@code same_id_two_contents} counts
 *       those that were not), and packaged once;</li>
 *   <li>each revision's manifest lists exactly the prefix's live objects (key and version) at the
 *       moment the packager took that batch, and the latest revision of each prefix lists its live
 *       objects at the end;</li>
 *   <li>revisions = batches taken by the packager - unchanged ones (a batch id taken again), checked
 *       against the database and the packager's own created/unchanged counts.</li>
 * </ul>
 */
public final class Audit {
    private final Pipeline pipeline;
    private final List<Snapshot> snapshots = new ArrayList<>();

    Audit(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** The prefix's live objects (key -> version id) when the packager took one package-objects-ready event. */
    public record Snapshot(String batchId, String prefix, Map<String, String> objects) {}

    /** What the audit found. {@code problems} is empty when the pipeline behaved. */
    public record Report(int events, int lost, int duplicated, int sameIdTwoContents, int batches, int taken, int revisions,
                         int unchanged, int contentUnchanged, int deadLetters, List<String> problems) {
        public String summary(String fault) {
            return "fault=" + fault + " events=" + events + " lost=" + lost + " duplicated=" + duplicated
                    + " same_id_two_contents=" + sameIdTwoContents + " batches=" + batches
                    + " taken=" + taken + " revisions=" + revisions + " unchanged=" + unchanged
                    + " content_unchanged=" + contentUnchanged + " dead_letters=" + deadLetters;
        }
    }

    synchronized void snapshotFor(String body) {
        JsonNode event;
        try {
            event = EventRouter.json(body);
        } catch (IllegalArgumentException notJson) {
            return;
        }
        JsonNode detail = event.path("detail");
        if (!"package-objects-ready".equals(event.path("detail-type").asText())) {
            return;
        }
        snapshots.add(new Snapshot(detail.path("batch_id").asText(), detail.path("prefix").asText(), live(detail.path("prefix").asText())));
    }

    /** The prefix's live objects per the test's record of writes: key -> version id. */
    public Map<String, String> live(String prefix) {
        Map<String, S3EventSource.Write> last = new HashMap<>();
        for (S3EventSource.Write w : pipeline.source.writes()) {
            if (w.bucket().equals(Pipeline.BUCKET) && prefix.equals(prefixOf(w.key()))) {
                last.put(w.key(), w);
            }
        }
        Map<String, String> live = new TreeMap<>();
        last.forEach((k, w) -> {
            if (!w.deleted()) {
                live.put(k, w.versionId());
            }
        });
        return live;
    }

    /** The batch prefix of a key at the deployment's depth, computed here independently of the store; null when none. */
    public String prefixOf(String key) {
        int depth = Integer.parseInt(pipeline.functions.parameters.get("BucketPrefixDepth"));
        if (key.startsWith(".quilt/") || key.endsWith("/")) {
            return null;
        }
        String[] parts = key.split("/", -1);
        int folders = parts.length - 1;
        if (folders == 0) {
            return null;
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < Math.min(depth, folders); i++) {
            prefix.append(parts[i]).append('/');
        }
        return prefix.toString();
    }

    /** Runs every check on a settled pipeline. */
    public synchronized Report check(Set<String> excludedEventIds) {
        List<String> problems = new ArrayList<>();
        List<S3EventSource.Write> writes = pipeline.source.writes().stream()
                .filter(w -> prefixOf(w.key()) != null && !excludedEventIds.contains(w.eventId())).toList();

        // 1. recorded exactly once, counted by what the write is (key, version, kind), not by event id
        Map<String, Integer> recorded = query("SELECT " + WRITE_IDENTITY.formatted("e", "e.kind = 'deleted'") + ", count(*)"
                + " FROM object_event e WHERE e.bucket = '" + Pipeline.BUCKET + "' GROUP BY 1",
                rs -> Map.entry(rs.getString(1), rs.getInt(2)));
        int lost = 0;
        int duplicated = 0;
        for (S3EventSource.Write w : writes) {
            int n = recorded.getOrDefault(identity(w), 0);
            if (n == 0) {
                lost++;
                problems.add("event of " + w.key() + " (" + w.eventId() + ") was never recorded");
            } else if (n > 1) {
                duplicated++;
                problems.add(w.key() + " version " + w.versionId() + " is recorded " + n + " times");
            }
        }
        long unfinished = pipeline.db.scalar("SELECT count(*) FROM batch WHERE state <> 'emitted'");
        if (unfinished > 0) {
            problems.add(unfinished + " batches are still open or not yet announced");
        }

        // 2. each write in at most one emitted batch, exactly one unless replaced within that batch
        Map<String, List<String>> batchesByVersion = new HashMap<>();
        Map<String, int[]> countsByBatch = new HashMap<>();
        pipeline.db.execute("SELECT 1");
        query("SELECT " + WRITE_IDENTITY.formatted("o", "o.deleted") + ", o.batch_id::text, o.deleted FROM batch_object o"
                + " JOIN batch b USING (batch_id) WHERE b.state = 'emitted' AND b.bucket = '" + Pipeline.BUCKET + "'", rs -> {
            String version = rs.getString(1);
            String batch = rs.getString(2);
            batchesByVersion.computeIfAbsent(version, v -> new ArrayList<>()).add(batch);
            countsByBatch.computeIfAbsent(batch, b -> new int[2])[rs.getBoolean(3) ? 1 : 0]++;
            return Map.entry(version + batch, 0);
        });
        Map<String, S3EventSource.Write> lastOfKey = new HashMap<>();
        writes.forEach(w -> lastOfKey.put(w.key(), w));
        for (S3EventSource.Write w : writes) {
            List<String> in = batchesByVersion.getOrDefault(identity(w), List.of());
            if (in.size() > 1) {
                duplicated++;
                problems.add(w.key() + " version " + w.versionId() + " is in " + in.size() + " batches " + in);
            } else if (in.isEmpty() && lastOfKey.get(w.key()) == w) {
                lost++;
                problems.add(w.key() + " version " + w.versionId() + " (its key's last write) is in no emitted batch");
            }
        }

        // 3. one content per batch id; counts agree with the batch's objects
        Map<String, List<JsonNode>> published = new LinkedHashMap<>();
        for (var e : pipeline.bus.entries("package-objects-ready")) {
            published.computeIfAbsent(e.detail().path("batch_id").asText(), b -> new ArrayList<>()).add(e.detail());
        }
        int sameIdTwoContents = 0;
        for (var entry : published.entrySet()) {
            if (entry.getValue().stream().distinct().count() > 1) {
                sameIdTwoContents++;
                problems.add("batch " + entry.getKey() + " was published with different contents: " + entry.getValue());
            }
            JsonNode d = entry.getValue().get(0);
            int[] counts = countsByBatch.getOrDefault(entry.getKey(), new int[2]);
            if (d.path("object_count").asInt() != counts[0] || d.path("deleted_count").asInt() != counts[1]) {
                problems.add("batch " + entry.getKey() + " announced " + d.path("object_count") + "/" + d.path("deleted_count")
                        + " objects/deletes but holds " + counts[0] + "/" + counts[1]);
            }
        }
        Set<String> emittedIds = Set.copyOf(query("SELECT batch_id::text FROM batch WHERE state = 'emitted' AND bucket = '"
                + Pipeline.BUCKET + "'", rs -> Map.entry(rs.getString(1), 0)).keySet());
        if (!emittedIds.equals(published.keySet())) {
            problems.add("emitted batches " + emittedIds.size() + " differ from published batch ids " + published.size());
        }

        // 4. each batch packaged once; manifests equal the prefix's objects when the packager took the batch
        Map<String, List<Snapshot>> snapshotsByBatch = snapshots.stream().collect(Collectors.groupingBy(Snapshot::batchId));
        List<String[]> revisionRows = new ArrayList<>();
        query("SELECT package_name, top_hash, batch_id::text FROM package_revision WHERE registry = '" + Pipeline.BUCKET
                + "' ORDER BY revision_id", rs -> {
            revisionRows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            return Map.entry(rs.getString(2) + revisionRows.size(), 0);
        });
        Map<String, Long> rowsPerBatch = revisionRows.stream().filter(r -> r[2] != null)
                .collect(Collectors.groupingBy(r -> r[2], Collectors.counting()));
        for (String batch : published.keySet()) {
            if (rowsPerBatch.getOrDefault(batch, 0L) != 1) {
                problems.add("batch " + batch + " has " + rowsPerBatch.getOrDefault(batch, 0L) + " package revision rows");
            }
        }
        Map<String, String> previousHash = new HashMap<>();
        int revisions = 0;
        for (String[] row : revisionRows) {
            String name = row[0];
            if (!row[1].equals(previousHash.put(name, row[1]))) {
                revisions++;
            }
            List<Snapshot> taken = row[2] == null ? List.of() : snapshotsByBatch.getOrDefault(row[2], List.of());
            if (taken.isEmpty()) {
                continue;
            }
            Map<String, String> manifest = manifest(row[1], taken.get(0).prefix());
            // a batch may have been taken more than once (redelivery); the revision matches the first take
            if (System.getProperty("edp.audit.verbose") != null) {
                System.out.println("revision " + name + "@" + row[1] + " batch " + row[2] + ":\n" + manifestText(row[1]));
            }
            if (taken.stream().noneMatch(s -> s.objects().equals(manifest))) {
                lost++;
                problems.add("revision " + name + "@" + row[1] + " of batch " + row[2] + " lists " + manifest
                        + " but the prefix held " + taken.get(0).objects());
            }
        }

        // 5. revisions = batches taken by the packager - unchanged ones. Per ADR 0100 an EDP batch's
        //    batch_id is part of its package metadata, so only a batch id taken again is unchanged;
        //    batches whose objects equal the previous revision's are counted apart (content_unchanged).
        Map<String, Map<String, String>> lastPackaged = new HashMap<>();
        Set<String> seen = new java.util.HashSet<>();
        int expectedUnchanged = 0;
        int contentUnchanged = 0;
        for (Snapshot s : snapshots) {
            if (!seen.add(s.batchId())) {
                expectedUnchanged++;
                continue;
            }
            if (Objects.equals(lastPackaged.get(s.prefix()), s.objects())) {
                contentUnchanged++;
            }
            lastPackaged.put(s.prefix(), s.objects());
        }
        int expectedRevisions = snapshots.size() - expectedUnchanged;
        int created = (int) pipeline.functions.metric("packager", "PackagesCreated");
        int unchanged = (int) pipeline.functions.metric("packager", "PackagesUnchanged");
        if (revisions != expectedRevisions || created != expectedRevisions || unchanged != expectedUnchanged
                || expectedRevisions != published.size()) {
            problems.add("revisions: " + revisions + " in the database, " + created + " created and " + unchanged
                    + " unchanged by the packager; expected " + snapshots.size() + " batches taken minus " + expectedUnchanged
                    + " unchanged = " + expectedRevisions + ", one per published batch (" + published.size() + ")");
        }

        // 6. the latest revision of each prefix lists its live objects now
        Set<String> prefixes = writes.stream().map(w -> prefixOf(w.key())).collect(Collectors.toSet());
        for (String prefix : prefixes) {
            Map<String, String> live = live(prefix);
            String name = prefix.substring(0, prefix.length() - 1);
            var latest = latest(name);
            Map<String, String> manifest = latest == null ? Map.of() : manifest(latest, prefix);
            if (!manifest.equals(live)) {
                lost++;
                problems.add("latest revision of " + name + " lists " + manifest.keySet() + " but the bucket holds " + live.keySet());
            }
        }
        int deadLetters = (int) Queues.depth(pipeline.sqs.client(), pipeline.ingest.dlqUrl())
                + (int) Queues.depth(pipeline.sqs.client(), pipeline.packagerQueue.dlqUrl());
        return new Report(writes.size(), lost, duplicated, sameIdTwoContents, published.size(), snapshots.size(), revisions, expectedUnchanged,
                contentUnchanged, deadLetters, problems);
    }

    /** A write as the database records it: key, version and kind; {@code %1$s} is the table alias, {@code %2$s} its deleted test. */
    private static final String WRITE_IDENTITY = "%1$s.object_key || '@' || coalesce(%1$s.version_id, 'null') || '@' || (%2$s)";

    private static String identity(S3EventSource.Write w) {
        return w.key() + "@" + (w.versionId() == null ? "null" : w.versionId()) + "@" + w.deleted();
    }

    private String latest(String name) {
        try {
            return pipeline.s3.client().getObjectAsBytes(b -> b.bucket(Pipeline.BUCKET).key(".quilt/named_packages/" + name + "/latest"))
                    .asUtf8String().trim();
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException none) {
            return null;
        }
    }

    String manifestText(String topHash) {
        return pipeline.s3.client().getObjectAsBytes(b -> b.bucket(Pipeline.BUCKET).key(".quilt/packages/" + topHash)).asUtf8String();
    }

    /** A manifest's entries: logical key (prefixed back to the full key) -> version id of its physical key. */
    public Map<String, String> manifest(String topHash, String prefix) {
        String text = pipeline.s3.client().getObjectAsBytes(b -> b.bucket(Pipeline.BUCKET).key(".quilt/packages/" + topHash)).asUtf8String();
        Map<String, String> entries = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = EventRouter.json(line);
            if (!node.has("logical_key")) {
                continue;
            }
            String physical = node.path("physical_keys").path(0).asText();
            int q = physical.indexOf("versionId=");
            String version = q < 0 ? null : URLDecoder.decode(physical.substring(q + "versionId=".length()).split("&")[0], StandardCharsets.UTF_8);
            entries.put(prefix + node.path("logical_key").asText(), version);
        }
        return entries;
    }

    @FunctionalInterface
    interface Row<T> {
        Map.Entry<String, T> read(ResultSet rs) throws SQLException;
    }

    private <T> Map<String, T> query(String sql, Row<T> row) {
        Map<String, T> out = new LinkedHashMap<>();
        try (Connection c = pipeline.db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Map.Entry<String, T> e = row.read(rs);
                out.put(e.getKey(), e.getValue());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
        return out;
    }
}

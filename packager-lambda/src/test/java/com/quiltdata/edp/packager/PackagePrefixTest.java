package com.quiltdata.edp.packager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.packager.domain.Checksum;
import com.quiltdata.edp.packager.domain.PackageName;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.port.ListedObject;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.ObjectCopier;
import com.quiltdata.edp.packager.port.ObjectReader;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.domain.RequestParser;
import com.quiltdata.edp.packager.testing.InMemoryRegistry;
import com.quiltdata.edp.packager.testing.InMemoryRevisionStore;
import com.quiltdata.edp.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The use case over in-memory ports: size limits and rules that need no S3. */
class PackagePrefixTest {
    private final ExecutorService workers = PackagerWiring.workers(4);
    private final InMemoryRegistry registry = new InMemoryRegistry();
    private final InMemoryRevisionStore revisions = new InMemoryRevisionStore();
    private final List<PackageRevision> notified = new ArrayList<>();
    private final Map<String, String> texts = new ConcurrentHashMap<>();
    private final MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
    private List<ListedObject> objects = List.of();

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    private PackagePrefix useCase() throws Exception {
        Notifier notifier = new Notifier() {
            @Override
            public void packageCreated(PackageRevision revision) {
                notified.add(revision);
            }

            @Override
            public void packageFailed(Failure failure) {}
        };
        ObjectReader reader = (location, max) -> Optional.ofNullable(texts.get(location.key()))
                .map(t -> new ObjectReader.StoredText(t, location));
        ObjectCopier copier = (source, bucket, key) -> { throw new UnsupportedOperationException(); };
        return new PackagePrefix((bucket, folder, sink) -> objects.forEach(sink),
                o -> new Checksum(Checksum.SHA2_256_CHUNKED, "h" + o.size()), copier, reader, registry, revisions,
                notifier, workers, clock, Duration.ofMinutes(2), Files.createDirectories(Path.of("target", "packager-tmp")));
    }

    @Test
    void shouldPackageOneHundredThousandObjects() throws Exception {
        // Given 100,000 objects in nested folders
        List<ListedObject> many = new ArrayList<>(100_000);
        for (int i = 0; i < 100_000; i++) {
            many.add(new ListedObject("b", "big/d" + (i % 100) + "/sub" + (i % 7) + "/file-" + i + ".dat",
                    Optional.of("v" + i), i, Set.of()));
        }
        objects = many;
        // When
        PackageOutcome outcome = useCase().run(RequestParser.parse("{\"source_prefix\": \"s3://b/big/\"}").request().orElseThrow());
        // Then one manifest with a header and 100,000 entry lines, in walk order
        assertEquals(PackageOutcome.Kind.CREATED, outcome.kind());
        assertEquals(100_000, outcome.objects());
        String manifest = new String(registry.files.get("b/.quilt/packages/" + outcome.topHash()), StandardCharsets.UTF_8);
        String[] lines = manifest.split("\n");
        assertEquals(100_001, lines.length);
        assertTrue(lines[1].startsWith("{\"logical_key\": \"d0/sub0/file-0.dat\""), lines[1]);
        assertEquals(1, revisions.revisions.size());
        assertEquals(clock.instant().plus(Duration.ofMinutes(2)), revisions.revisions.get(0).readyAt());
        assertEquals(List.of(), leftoverTempFiles());
    }

    @Test
    void shouldTakeMetadataFromTheFolderFileAndHonourQuiltignore() throws Exception {
        objects = List.of(
                new ListedObject("b", "f/quilt_metadata.json", Optional.empty(), 10, Set.of()),
                new ListedObject("b", "f/.quiltignore", Optional.empty(), 5, Set.of()),
                new ListedObject("b", "f/keep.csv", Optional.empty(), 3, Set.of()),
                new ListedObject("b", "f/drop.tmp", Optional.empty(), 3, Set.of()),
                new ListedObject("b", "f/a//b.csv", Optional.empty(), 3, Set.of()));
        texts.put("f/quilt_metadata.json", "{\"z\": 1, \"a\": [1.0, 1e-07]}");
        texts.put("f/.quiltignore", "*.tmp\n");
        PackageOutcome outcome = useCase().run(RequestParser.parse("{\"source_prefix\": \"s3://b/f/\"}").request().orElseThrow());
        String[] lines = new String(registry.files.get("b/.quilt/packages/" + outcome.topHash()), StandardCharsets.UTF_8).split("\n");
        assertEquals("{\"version\": \"v0\", \"user_meta\": {\"z\": 1, \"a\": [1.0, 1e-07]}, \"message\": null}", lines[0]);
        assertEquals(4, lines.length);
        assertTrue(lines[3].startsWith("{\"logical_key\": \"quilt_metadata.json\""));
    }

    @Test
    void shouldRejectMetadataThatIsNotAnObjectAndRefuseAFileThatIsAlsoADirectory() throws Exception {
        objects = List.of(new ListedObject("b", "g/x", Optional.empty(), 1, Set.of()));
        texts.put("g/m.json", "[1, 2]");
        assertThrows(RejectedException.class, () -> useCase().run(RequestParser.parse(
                "{\"source_prefix\": \"s3://b/g/\", \"metadata_uri\": \"m.json\"}").request().orElseThrow()));
        assertThrows(RejectedException.class, () -> useCase().run(RequestParser.parse(
                "{\"source_prefix\": \"s3://b/g/\", \"metadata_uri\": \"missing.json\"}").request().orElseThrow()));
        objects = List.of(new ListedObject("b", "g/x", Optional.empty(), 1, Set.of()),
                new ListedObject("b", "g/x/y", Optional.empty(), 1, Set.of()));
        assertThrows(RejectedException.class, () -> useCase().run(RequestParser.parse(
                "{\"source_prefix\": \"s3://b/g/\"}").request().orElseThrow()));
        assertTrue(registry.files.isEmpty());
        assertEquals(List.of(), leftoverTempFiles());
    }

    @Test
    void shouldRecordTheRowWhenTheRegistryAlreadyHasTheRevision() throws Exception {
        // Given a revision in the registry but no row (a crash between the two writes)
        objects = List.of(new ListedObject("b", "h/x", Optional.empty(), 1, Set.of()));
        var request = RequestParser.parse("{\"source_prefix\": \"s3://b/h/\"}").request().orElseThrow();
        PackageOutcome first = useCase().run(request);
        revisions.revisions.clear();
        // When it is retried
        PackageOutcome again = useCase().run(request);
        // Then nothing new is written but the row exists
        assertEquals(PackageOutcome.Kind.UNCHANGED, again.kind());
        assertEquals(first.topHash(), again.topHash());
        assertEquals(1, revisions.revisions.size());
        assertEquals(1, notified.size());
        assertEquals(PackageName.parse("package/h"), revisions.revisions.get(0).name());
        assertEquals(PhysicalKey.of("b", "h/x", null).toUrl(), "s3://b/h/x");
    }

    private static List<Path> leftoverTempFiles() throws Exception {
        try (var files = Files.list(Path.of("target", "packager-tmp"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("manifest")).toList();
        }
    }
}

package com.quiltdata.edp.it.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.emit.testing.FakeEventBridge;
import com.quiltdata.edp.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * package-ready for every package in the registry (ADR 0111), through the template's rules: a package
 * another writer pushes into the monitored bucket (written here as quilt3 writes golden vector P1) is
 * recorded once by the packager from its pointer's S3 event and announced once by the emit Lambda;
 * the events of the pointers this stack's own packager writes announce nothing more.
 */
class RegistryRevisionsPipelineTest {
    private Pipeline p;

    @BeforeEach
    void start() {
        p = new Pipeline();
    }

    @AfterEach
    void stop() {
        p.close();
    }

    private static JsonNode vectorP1() {
        try (InputStream in = RegistryRevisionsPipelineTest.class.getResourceAsStream("/golden/package-P1-nested-tree-entry-meta.json")) {
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long revisions() {
        return p.db.scalar("SELECT count(*) FROM package_revision");
    }

    @Test
    void aPackageAnotherWriterPushedIsRecordedAndAnnouncedOnce() {
        // Given quilt3 pushing vector P1 to the monitored bucket: manifest, timestamp pointer, latest
        JsonNode p1 = vectorP1();
        String top = p1.path("top_hash").asText();
        p.source.put(Pipeline.BUCKET, ".quilt/packages/" + top, p1.path("manifest_jsonl").asText());
        p.source.put(Pipeline.BUCKET, ".quilt/named_packages/demo/pkg/1700000000", top);
        p.source.put(Pipeline.BUCKET, ".quilt/named_packages/demo/pkg/latest", top);
        List<String> routed = p.router.deliveries().stream()
                .filter(d -> d.ruleId().equals("RegistryRevisionsRule")).map(d -> EventRouter.json(d.body()).path("detail").path("object").path("key").asText())
                .toList();
        assertEquals(List.of(".quilt/named_packages/demo/pkg/1700000000", ".quilt/named_packages/demo/pkg/latest"), routed);

        // When the store, the packager and the emit tick run
        p.store();
        p.packageAll();
        p.tick();
        p.tick();

        // Then the store opened no batch for the registry keys, the packager recorded one revision with P1's files
        assertEquals(0, p.db.scalar("SELECT count(*) FROM batch"));
        assertEquals(1, revisions());
        assertEquals(1, p.db.scalar("SELECT count(*) FROM package_revision WHERE package_name = 'demo/pkg' AND top_hash = ?"
                + " AND object_count = 4 AND total_bytes = 20 AND published_at IS NOT NULL", top));
        // and the emit Lambda announced it once, as it announces the packages this stack makes
        List<FakeEventBridge.Entry> ready = p.bus.entries("package-ready");
        assertEquals(1, ready.size(), ready.toString());
        JsonNode detail = ready.get(0).detail();
        assertEquals("demo/pkg", detail.path("package-name").asText());
        assertEquals(Pipeline.BUCKET, detail.path("bucket").asText());
        assertEquals(top, detail.path("top_hash").asText());
        assertEquals(List.of(), p.takePackagerDeadLetters());
        assertEquals(List.of(), p.takeIngestDeadLetters());
    }

    @Test
    void thePointerEventsOfOurOwnPackagesAnnounceNothingMore() {
        // Given a batch this stack packaged: one revision, one package-ready
        for (int i = 0; i < p.countThreshold(); i++) {
            p.source.put(Pipeline.BUCKET, "lab/run-1/f" + i + ".csv", "file " + i);
        }
        p.settle();
        p.tick();
        assertEquals(1, revisions());
        assertEquals(1, p.bus.entries("package-ready").size());

        // When S3 delivers the events of the packager's own pointer writes (timestamp pointer and latest)
        List<String> pointers = p.s3.client().listObjectsV2Paginator(b -> b.bucket(Pipeline.BUCKET).prefix(".quilt/named_packages/lab/run-1/"))
                .contents().stream().map(S3Object::key).toList();
        assertEquals(2, pointers.size(), pointers.toString());
        for (String key : pointers) {
            p.source.announce(Pipeline.BUCKET, key);
        }
        assertEquals(2, p.router.deliveries().stream().filter(d -> d.ruleId().equals("RegistryRevisionsRule")).count());
        p.store();
        p.packageAll();
        p.tick();

        // Then nothing new is recorded or announced
        assertEquals(1, revisions());
        assertEquals(1, p.bus.entries("package-ready").size());
        assertEquals(List.of(), p.takePackagerDeadLetters());
        assertTrue(p.db.scalar("SELECT count(*) FROM package_revision WHERE pointer_key = ?", pointers.stream()
                .filter(k -> !k.endsWith("/latest")).findFirst().orElseThrow()) == 1, "our row names the pointer its event names");
    }
}

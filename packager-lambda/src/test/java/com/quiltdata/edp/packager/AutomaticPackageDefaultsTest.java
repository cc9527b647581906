package com.quiltdata.edp.packager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.packager.domain.AutomaticPackages;
import com.quiltdata.edp.packager.domain.HashType;
import com.quiltdata.edp.packager.domain.PackageDefaults;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.s3.S3ContentHasher;
import com.quiltdata.edp.packager.testing.S3Packaging;
import com.quiltdata.edp.testing.InProcessS3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;

/**
 * The defaults of automatic packages (docs/adr/0109) on S3Mock: each is written into a package made
 * from package-objects-ready, the folder's own file or field wins over it, and a description gets none.
 */
class AutomaticPackageDefaultsTest {
    private static InProcessS3 s3mock;
    private static S3Client s3;
    private static ExecutorService workers;
    private static int buckets;
    private final List<Notifier.Failure> notices = new ArrayList<>();

    @BeforeAll
    static void start() {
        s3mock = InProcessS3.start();
        s3 = s3mock.client();
        workers = PackagerWiring.workers(4);
    }

    @AfterAll
    static void stop() {
        workers.shutdownNow();
        s3mock.close();
    }

    private static String newBucket() {
        String name = "defaults-" + (++buckets);
        s3mock.createBucket(name, true);
        return name;
    }

    private static void put(String bucket, String key, String content) {
        s3.putObject(r -> r.bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.SHA256),
                RequestBody.fromString(content, StandardCharsets.UTF_8));
    }

    private static String get(String bucket, String key) {
        return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String();
    }

    /** The stack's defaults, with the README and .quiltignore in a bucket of their own. */
    private static AutomaticPackages stackDefaults(String config) {
        put(config, "edp/README.md", "# Made by EDP\n");
        put(config, "edp/quiltignore", "*.tmp\n");
        ObjectNode metadata = (ObjectNode) Json.parse("{\"Author\": \"EDP\", \"Lab\": {\"site\": \"A\"}, \"ProjectID\": \"YYD\"}");
        Map<String, PhysicalKey> files = new LinkedHashMap<>();
        files.put(PackageDefaults.README, PhysicalKey.of(config, "edp/README.md", null));
        files.put(PackageDefaults.QUILT_IGNORE, PhysicalKey.of(config, "edp/quiltignore", null));
        return new AutomaticPackages(Optional.empty(), Optional.of(AutomaticPackages.DEFAULT_MESSAGE), Optional.empty(),
                new PackageDefaults(Optional.of(metadata), files));
    }

    private List<String> handle(AutomaticPackages automatic, String body) throws Exception {
        Path work = Files.createDirectories(Path.of("target", "packager-tmp"));
        PackagePrefix useCase = S3Packaging.packager(s3, new S3ContentHasher(s3, S3ContentHasher.Options.defaults()),
                HashType.SHA2_256_CHUNKED, workers, work);
        Notifier notifier = new Notifier() {
            @Override
            public void packageCreated(PackageRevision revision) {}

            @Override
            public void packageFailed(Failure failure) {
                notices.add(failure);
            }
        };
        PackageMessages messages = new PackageMessages(useCase, notifier, automatic, Clock.systemUTC());
        return messages.handle(List.of(new PackageMessages.Message("m", body, "1")), PackageMessages.NO_DEADLINE,
                new Metrics("packager", Optional.empty(), Clock.systemUTC(), line -> { }));
    }

    private static String ready(String bucket, String prefix, UUID batch) {
        return "{\"detail-type\": \"package-objects-ready\", \"source\": \"com.quiltdata.edp\", \"detail\": "
                + "{\"bucket\": \"" + bucket + "\", \"prefix\": \"" + prefix + "\", \"batch_id\": \"" + batch + "\"}}";
    }

    /** The header and the entries (by logical key) of the package's latest manifest. */
    private record Manifest(JsonNode header, Map<String, JsonNode> entries) {
        String physicalKey(String logicalKey) {
            return entries.get(logicalKey).get("physical_keys").get(0).asText();
        }
    }

    private static Manifest manifest(String registry, String name) {
        String top = get(registry, ".quilt/named_packages/" + name + "/latest");
        String[] lines = get(registry, ".quilt/packages/" + top).split("\n");
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            JsonNode entry = Json.parse(lines[i]);
            entries.put(entry.get("logical_key").asText(), entry);
        }
        return new Manifest(Json.parse(lines[0]), entries);
    }

    @Test
    void shouldGiveAnAutomaticPackageEveryDefaultItsFolderLacks() throws Exception {
        // Given a folder with a data file and a temporary file, and the stack's defaults
        String bucket = newBucket();
        String config = newBucket();
        put(bucket, "lab/run-1/a.csv", "1,2\n");
        put(bucket, "lab/run-1/scratch.tmp", "noise");
        UUID batch = UUID.randomUUID();
        // When its batch is packaged
        assertEquals(List.of(), handle(stackDefaults(config), ready(bucket, "lab/run-1/", batch)));
        // Then the package has the default message, the default metadata with the batch id, and the default
        // README.md and .quiltignore (pinned to their versions), which left out the temporary file
        Manifest m = manifest(bucket, "lab/run-1");
        assertEquals("Created by EDP", m.header().get("message").asText());
        assertEquals("{\"Author\":\"EDP\",\"Lab\":{\"site\":\"A\"},\"ProjectID\":\"YYD\",\"batch_id\":\"" + batch + "\"}",
                m.header().get("user_meta").toString());
        assertEquals(List.of(".quiltignore", "README.md", "a.csv"), List.copyOf(m.entries().keySet()));
        String readmeVersion = s3.headObject(r -> r.bucket(config).key("edp/README.md")).versionId();
        assertEquals("s3://" + config + "/edp/README.md?versionId=" + readmeVersion, m.physicalKey("README.md"));
        assertTrue(m.physicalKey(".quiltignore").startsWith("s3://" + config + "/edp/quiltignore?versionId="), m.physicalKey(".quiltignore"));
        assertEquals(14, m.entries().get("README.md").get("size").asLong());
    }

    @Test
    void shouldLetTheFoldersOwnFilesAndFieldsWin() throws Exception {
        // Given a folder with its own metadata file (one field of the defaults, and a batch_id), README.md
        // and .quiltignore (which leaves out its README.md)
        String bucket = newBucket();
        String config = newBucket();
        put(bucket, "lab/run-2/a.csv", "1,2\n");
        put(bucket, "lab/run-2/scratch.tmp", "kept: the folder's .quiltignore does not name it");
        put(bucket, "lab/run-2/quilt_metadata.json", "{\"Lab\": {\"room\": 7}, \"batch_id\": \"run-2\"}");
        put(bucket, "lab/run-2/README.md", "# Run 2\n");
        put(bucket, "lab/run-2/.quiltignore", "README.md\n");
        // When its batch is packaged
        assertEquals(List.of(), handle(stackDefaults(config), ready(bucket, "lab/run-2/", UUID.randomUUID())));
        // Then the folder's fields replace the defaults' whole, its batch_id stays, and no default file is added
        Manifest m = manifest(bucket, "lab/run-2");
        assertEquals("{\"Author\":\"EDP\",\"Lab\":{\"room\":7},\"ProjectID\":\"YYD\",\"batch_id\":\"run-2\"}",
                m.header().get("user_meta").toString());
        assertEquals(List.of(".quiltignore", "a.csv", "quilt_metadata.json", "scratch.tmp"), List.copyOf(m.entries().keySet()));
        assertTrue(m.physicalKey(".quiltignore").startsWith("s3://" + bucket + "/lab/run-2/.quiltignore"), m.physicalKey(".quiltignore"));
    }

    @Test
    void shouldGiveADescriptionNoneOfTheDefaults() throws Exception {
        String bucket = newBucket();
        String config = newBucket();
        put(bucket, "lab/run-3/a.csv", "1,2\n");
        put(bucket, "lab/run-3/scratch.tmp", "noise");
        assertEquals(List.of(), handle(stackDefaults(config), "{\"source_prefix\": \"s3://" + bucket + "/lab/run-3/\"}"));
        Manifest m = manifest(bucket, "lab/run-3");
        assertTrue(m.header().get("message").isNull());
        assertFalse(m.header().has("user_meta") && !m.header().get("user_meta").isEmpty(), m.header().toString());
        assertEquals(List.of("a.csv", "scratch.tmp"), List.copyOf(m.entries().keySet()));
    }

    @Test
    void shouldRejectABatchWhoseDefaultFileIsMissingAndSayWhich() throws Exception {
        String bucket = newBucket();
        String config = newBucket();
        put(bucket, "lab/run-4/a.csv", "1,2\n");
        AutomaticPackages defaults = stackDefaults(config);
        s3.deleteObject(r -> r.bucket(config).key("edp/README.md"));
        assertEquals(List.of("m"), handle(defaults, ready(bucket, "lab/run-4/", UUID.randomUUID())));
        assertEquals(1, notices.size());
        assertEquals("the default README.md s3://" + config + "/edp/README.md does not exist", notices.get(0).reason());
    }
}

package com.quiltdata.edp.processor.domain;

import com.quiltdata.edp.processor.ProcessBatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.processor.port.CommandRunner;
import com.quiltdata.edp.processor.port.ObjectStore;
import com.quiltdata.edp.processor.port.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The use case with an in-memory store and a command that does nothing: selection, versions, disk guard. */
class ProcessBatchTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final InMemoryStore store = new InMemoryStore();
    private final CommandRunner noop = (argv, dir, env, timeout) -> new CommandRunner.CommandResult(0, false, "", Duration.ZERO);

    @AfterEach
    void shutdown() {
        pool.shutdownNow();
    }

    private ProcessBatch useCase(long freeBytes, int pull, String matchKeys) {
        return new ProcessBatch(store, Optional.empty(), noop, pool, () -> freeBytes, new ProcessBatch.Options(pull,
                MatchKeys.parse(matchKeys), List.of("true"), Duration.ofSeconds(5), Optional.empty(),
                ProcessBatch.VariableNames.DEFAULT, Path.of("target", "work").toAbsolutePath()));
    }

    @Test
    void shouldSelectMatchingFilesUnderThePulledFolderAndPinNamedVersions() {
        // Given
        store.objects.put("lab/run-1/a.csv", "a");
        store.objects.put("lab/run-1/sub/", "");
        store.objects.put("lab/run-1/x/../y.csv", "y");
        store.objects.put("lab/run-2/b.csv", "bb");
        store.objects.put("lab/run-2/b.txt", "t");
        ReadyBatch batch = ReadyBatchParser.parse("""
                {"bucket":"bkt1","prefix":"lab/run-2/","objects":[{"key":"lab/run-2/b.csv","version_id":"v7"}]}""");

        // When pulling one level up, csv files only
        BatchOutcome outcome = useCase(Long.MAX_VALUE, 1, "\\.csv$").run(batch);

        // Then
        assertEquals("lab/", outcome.pulledPrefix());
        assertEquals(5, outcome.listed());
        assertEquals(2, outcome.downloaded());
        assertEquals(1, outcome.skipped());
        assertEquals(3, outcome.bytesDownloaded());
        assertEquals(Map.of("lab/run-1/a.csv", "latest", "lab/run-2/b.csv", "v7"), store.downloads);
        assertEquals(0, outcome.uploaded());
    }

    @Test
    void shouldRefuseABatchThatDoesNotFitOnDisk() {
        store.objects.put("lab/run-3/big.bin", "0123456789");

        BatchFailedException e = assertThrows(BatchFailedException.class,
                () -> useCase(ProcessBatch.DISK_RESERVE_BYTES + 9, 0, "").run(ReadyBatchParser.parse(
                        "{\"bucket\":\"bkt1\",\"prefix\":\"lab/run-3/\"}")));

        assertEquals(BatchFailedException.Cause.NOT_ENOUGH_DISK, e.kind());
        assertTrue(e.getMessage().contains("need 10 bytes"), e.getMessage());
        assertEquals(Map.of(), store.downloads);
    }

    private static final class InMemoryStore implements ObjectStore {
        final Map<String, String> objects = new TreeMap<>();
        final Map<String, String> downloads = new ConcurrentHashMap<>();

        @Override
        public List<StoredObject> list(String bucket, String prefix) {
            return objects.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                    .map(e -> new StoredObject(e.getKey(), e.getValue().length(), "\"e\"", Instant.EPOCH, "STANDARD")).toList();
        }

        @Override
        public void download(String bucket, String key, String versionId, Path target) {
            downloads.put(key, versionId == null ? "latest" : versionId);
            try {
                Files.writeString(target, objects.get(key), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Optional<String> sha256(String bucket, String key) {
            return Optional.empty();
        }

        @Override
        public void upload(String bucket, String key, Path file, String sha256) {
            throw new AssertionError("nothing changed, nothing to upload: " + key);
        }
    }
}

package com.quiltdata.edp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

    @Test
    void shouldExitZeroWithPackagesWhoseTopHashesMatchTheirManifests(@TempDir Path dir) throws Exception {
        // Given an empty folder
        CapturedTerminal cli = new CapturedTerminal();

        // When the demo runs in it
        int exit = cli.run("demo", "--folder", dir.toString());

        // Then it succeeds and shows every trigger firing
        assertEquals(0, exit, cli.out() + cli.err());
        for (String expected : List.of("by count", "by sentinel", "by quiet", "4 package revisions written and verified")) {
            assertTrue(cli.out().contains(expected), expected + " in\n" + cli.out());
        }
        // and each manifest's top hash, recomputed with the packager's code, is its name
        List<Path> manifests;
        try (Stream<Path> files = Files.list(dir.resolve(".quilt/packages"))) {
            manifests = files.toList();
        }
        assertEquals(4, manifests.size());
        for (Path manifest : manifests) {
            ManifestCheck.Result result = ManifestCheck.check(manifest, false);
            assertEquals(List.of(), result.problems());
            assertEquals(manifest.getFileName().toString(), result.topHash());
        }
        // and the registry is quilt3's: pointers of 64 hex characters, file:// physical keys, folder metadata
        String latest = Files.readString(dir.resolve(".quilt/named_packages/imaging/session-17/latest"));
        assertTrue(latest.matches("[0-9a-f]{64}"), latest);
        String manifest = Files.readString(dir.resolve(".quilt/packages/" + latest));
        assertTrue(manifest.contains("\"user_meta\": {\"project\": \"growth-imaging\""), manifest);
        assertTrue(manifest.contains("\"physical_keys\": [\"file://" + dir.toAbsolutePath().toUri().getRawPath()), manifest);
    }
}

package com.quiltdata.edp.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.quiltdata.edp.cli.DatabaseLogin;
import com.quiltdata.edp.cli.ManifestCheck;
import com.quiltdata.edp.emit.domain.PackageObjectsReady;
import com.quiltdata.edp.packager.PackageOutcome;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.testing.MutableClock;
import com.quiltdata.edp.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPipelineTest {
    private static final Duration QUIET = Duration.ofSeconds(60);
    private static final LocalPipeline.Rules RULES =
            new LocalPipeline.Rules(2, 3, QUIET, Duration.ZERO, List.of("lab/tmp/*"), List.of(), Optional.empty());

    private final MutableClock clock = MutableClock.at("2026-03-01T12:00:00Z");
    private final TestDatabase db = TestDatabase.create();
    private final Recording seen = new Recording();

    @Test
    void shouldPackageFilesThatAppearChangeAndDisappear(@TempDir Path dir) throws Exception {
        // Given two files already there at start, and one under an ignored folder
        write(dir, "lab/run-1/a.csv", "a,1\n");
        write(dir, "lab/run-1/b.csv", "b,2\n");
        write(dir, "lab/tmp/scratch.txt", "ignored");
        LocalFolder folder = LocalFolder.of(dir);
        try (LocalPipeline pipeline = open(folder)) {
            // When the first scan records them, nothing fires before the quiet period
            pipeline.step();
            assertEquals(List.of(), seen.fired);

            // Then after the quiet period the batch fires and one revision is written
            clock.advance(QUIET);
            pipeline.step();
            assertEquals(1, seen.fired.size());
            assertEquals("lab/run-1/", seen.fired.get(0).prefix());
            assertEquals("quiet", seen.fired.get(0).trigger().wireName());
            assertEquals(2, seen.fired.get(0).objectCount());
            assertEquals(1, seen.written.size());
            assertEquals("lab/run-1", seen.written.get(0).name().toString());

            // When a file changes, another disappears and a third appears
            write(dir, "lab/run-1/a.csv", "a,1\na,11\n");
            Files.delete(dir.resolve("lab/run-1/b.csv"));
            write(dir, "lab/run-1/c.csv", "c,3\n");
            pipeline.step();
            clock.advance(QUIET);
            pipeline.step();

            // Then a second batch fires with the change and the delete, and the new revision drops b.csv
            assertEquals(2, seen.fired.size());
            PackageObjectsReady second = seen.fired.get(1);
            assertEquals(2, second.objectCount());
            assertEquals(1, second.deletedCount());
            assertEquals(2, seen.written.size());
            String manifest = Files.readString(folder.registry().resolve("packages").resolve(seen.written.get(1).topHash()));
            assertTrue(manifest.contains("\"logical_key\": \"a.csv\"") && manifest.contains("\"logical_key\": \"c.csv\""), manifest);
            assertTrue(!manifest.contains("b.csv"), manifest);
            ManifestCheck.Result check = ManifestCheck.check(
                    folder.registry().resolve("packages").resolve(seen.written.get(1).topHash()), true);
            assertEquals(List.of(), check.problems());
            assertEquals(seen.written.get(1).topHash(), Files.readString(
                    folder.registry().resolve("named_packages/lab/run-1/latest")));

            // And a count of 3 new files fires at once, without waiting for quiet
            write(dir, "lab/run-2/x.csv", "x");
            write(dir, "lab/run-2/y.csv", "y");
            write(dir, "lab/run-2/z.csv", "z");
            pipeline.step();
            assertEquals("count", seen.fired.get(2).trigger().wireName());
            assertEquals(3, seen.written.size());
        }
        assertEquals(0, db.scalar("SELECT count(*) FROM object_event WHERE object_key LIKE 'lab/tmp/%'"));
        long events = db.scalar("SELECT count(*) FROM object_event");

        // When it restarts on the same database, nothing already recorded is recorded again
        try (LocalPipeline restarted = open(folder)) {
            restarted.step();
            assertEquals(events, db.scalar("SELECT count(*) FROM object_event"));

            // and a file removed while it was stopped becomes a delete with a newer sequencer
            Files.delete(dir.resolve("lab/run-2/z.csv"));
            restarted.step();
            assertEquals(1, db.scalar("SELECT count(*) FROM object_state WHERE object_key = 'lab/run-2/z.csv' AND kind = 'deleted'"));
            clock.advance(QUIET);
            restarted.step();
            assertEquals(4, seen.written.size());
            assertEquals(4, db.scalar("SELECT count(*) FROM package_revision"));
        }
    }

    @Test
    void aFileWhoseNameIsNotUtf8IsSkippedWithOneWarningAndTheOthersArePackaged(@TempDir Path dir) throws Exception {
        assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "file names are decoded as UTF-8 here");
        write(dir, "lab/run-1/a.csv", "a,1\n");
        write(dir, "lab/run-1/b.csv", "b,2\n");
        // a name with the byte 0xFF, which no UTF-8 text contains; Java cannot spell it, the shell can
        Process touch = new ProcessBuilder("sh", "-c", "printf 'x' > \"$(printf 'lab/run-1/bad\\377.csv')\"")
                .directory(dir.toFile()).inheritIO().start();
        assertEquals(0, touch.waitFor());
        try (var names = Files.list(dir.resolve("lab/run-1"))) {
            assertEquals(3, names.count());
        }
        LocalFolder folder = LocalFolder.of(dir);
        try (LocalPipeline pipeline = open(folder)) {
            pipeline.step();
            clock.advance(QUIET);
            pipeline.step();
            pipeline.step();

            assertEquals(1, seen.written.size(), "the folder's other files are packaged");
            assertEquals(2, seen.written.get(0).objectCount());
            assertEquals(1, seen.skipped.size(), "one warning, not one per poll: " + seen.skipped);
            assertTrue(seen.skipped.get(0).contains("lab/run-1/bad") && seen.skipped.get(0).contains("not valid UTF-8"), seen.skipped.get(0));
        }
        assertEquals(0, db.scalar("SELECT count(*) FROM object_event WHERE object_key LIKE 'lab/run-1/bad%'"));
    }

    @Test
    void aFolderReplacedByALinkWhileItsBatchWaitsIsNotFollowedOutOfTheWatchedFolder(@TempDir Path dir, @TempDir Path outside)
            throws Exception {
        Path watched = Files.createDirectories(dir.resolve("watched"));
        write(watched, "lab/run-1/a.csv", "a,1\n");
        write(outside, "run-1/a.csv", "a,1\n");
        write(outside, "run-1/secret.csv", "not for the package\n");
        LocalFolder folder = LocalFolder.of(watched);
        // what the packager makes of a prefix whose files all went away is not this test's concern
        seen.failuresExpected = true;
        try (LocalPipeline pipeline = open(folder)) {
            pipeline.step();
            // while the batch waits for its quiet period, lab/ becomes a link to a folder elsewhere
            Files.move(watched.resolve("lab"), dir.resolve("lab-moved-away"));
            Files.createSymbolicLink(watched.resolve("lab"), outside);
            clock.advance(QUIET);
            pipeline.step();
            clock.advance(QUIET);
            pipeline.step();
        }
        for (PackageRevision revision : seen.written) {
            String manifest = Files.readString(folder.registry().resolve("packages").resolve(revision.topHash()));
            assertTrue(!manifest.contains("secret.csv") && !manifest.contains(outside.toUri().toString()), manifest);
        }
        assertEquals(0, db.scalar("SELECT count(*) FROM object_event WHERE object_key LIKE '%secret.csv'"));
        assertTrue(seen.failures.stream().noneMatch(f -> f.contains(outside.toString())), seen.failures.toString());
    }

    private LocalPipeline open(LocalFolder folder) {
        return LocalPipeline.open(folder, RULES, new DatabaseLogin(db.jdbcUrl(), db.user(), db.password()), clock, seen);
    }

    private static void write(Path dir, String key, String text) throws Exception {
        Path file = dir.resolve(key);
        Files.createDirectories(file.getParent());
        FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
        Files.writeString(file, text);
        if (before != null && before.equals(Files.getLastModifiedTime(file))) {
            Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 1000));
        }
    }

    private static final class Recording implements LocalListener {
        final List<PackageObjectsReady> fired = new ArrayList<>();
        final List<PackageRevision> written = new ArrayList<>();
        final List<String> skipped = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        boolean failuresExpected;

        @Override
        public void fileSkipped(String path, String reason) {
            skipped.add(path + ": " + reason);
        }

        @Override
        public void recorded(int created, int deleted, int stored) {}

        @Override
        public void batchFired(PackageObjectsReady event) {
            fired.add(event);
        }

        @Override
        public void packageWritten(PackageRevision revision) {
            written.add(revision);
        }

        @Override
        public void packageUnchanged(PackageOutcome outcome) {}

        @Override
        public void packagingFailed(PackageObjectsReady event, String reason, boolean retried) {
            if (!failuresExpected) {
                throw new AssertionError("packaging failed: " + reason);
            }
            failures.add(reason);
        }
    }
}

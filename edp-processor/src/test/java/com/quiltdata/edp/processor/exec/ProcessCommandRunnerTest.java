package com.quiltdata.edp.processor.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.processor.port.CommandRunner.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCommandRunnerTest {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final ProcessCommandRunner runner = new ProcessCommandRunner(lines::add, Clock.systemUTC());

    @Test
    void shouldPassTheVariablesAndNoShell(@TempDir Path dir) {
        // Given an argument a shell would expand
        CommandResult result = runner.run(List.of("printf", "%s|%s|$HOME\\n", "x"), dir, Map.of("ROOT_FOLDER", dir.toString()),
                Duration.ofSeconds(10));

        assertTrue(result.succeeded());
        assertEquals(List.of("x||$HOME"), lines);
    }

    @Test
    void shouldReportTheExitStatusAndTheOutputTail(@TempDir Path dir) {
        CommandResult result = runner.run(List.of("sh", "-c", "echo one; echo two >&2; exit 3"), dir, Map.of(),
                Duration.ofSeconds(10));

        assertFalse(result.succeeded());
        assertEquals(3, result.exitCode());
        assertEquals("one\ntwo", result.outputTail());
    }

    @Test
    void shouldKillTheProgramAndWhatItStartedAtTheTimeout(@TempDir Path dir) throws Exception {
        // Given a shell that starts a child which would write a file after 5 s
        long start = System.nanoTime();
        CommandResult result = runner.run(List.of("sh", "-c", "(sleep 5; touch late) & sleep 30"), dir, Map.of(),
                Duration.ofMillis(500));

        // Then it was stopped well before either sleep ends, and the child never wrote
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(result.timedOut());
        assertTrue(millis < 4_500, "took " + millis + " ms");
        Thread.sleep(5_500 - millis);
        assertFalse(Files.exists(dir.resolve("late")));
    }

    @Test
    void shouldFailWhenTheProgramDoesNotExist(@TempDir Path dir) {
        CommandResult result = runner.run(List.of("no-such-program-edp"), dir, Map.of(), Duration.ofSeconds(5));
        assertFalse(result.succeeded());
        assertTrue(result.outputTail().contains("could not start"), result.outputTail());
    }
}

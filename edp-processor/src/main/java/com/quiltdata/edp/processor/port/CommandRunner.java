package com.quiltdata.edp.processor.port;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs the user's program and waits for it, up to a timeout. */
public interface CommandRunner {
    CommandResult run(List<String> argv, Path workingDirectory, Map<String, String> extraEnvironment, Duration timeout);

    /**
     * @param exitCode   the exit status, or -1 when it timed out or could not start
     * @param timedOut   true when it was killed at the timeout
     * @param outputTail the last lines of its combined stdout and stderr
     */
    record CommandResult(int exitCode, boolean timedOut, String outputTail, Duration elapsed) {
        public boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }
}

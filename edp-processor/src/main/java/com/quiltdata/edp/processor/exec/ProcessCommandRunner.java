package com.quiltdata.edp.processor.exec;

import com.quiltdata.edp.processor.port.CommandRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts the program directly (argv, no shell), in the batch folder, with the processor's environment
 * plus the batch variables. Its combined output is passed on line by line and its last lines are
 * kept for the failure report. At the timeout the program and every process it started get SIGTERM,
 * then SIGKILL after a short grace period.
 */
public final class ProcessCommandRunner implements CommandRunner {
    static final int TAIL_LINES = 20;
    static final int TAIL_LINE_CHARS = 500;
    static final Duration GRACE = Duration.ofSeconds(2);

    private final Consumer<String> output;
    private final Clock clock;

    /** @param output receives each line the program writes (stdout and stderr together) */
    public ProcessCommandRunner(Consumer<String> output, Clock clock) {
        this.output = output;
        this.clock = clock;
    }

    @Override
    public CommandResult run(List<String> argv, Path workingDirectory, Map<String, String> extraEnvironment, Duration timeout) {
        long start = clock.millis();
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workingDirectory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(extraEnvironment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new CommandResult(-1, false, "could not start " + argv.get(0) + ": " + e.getMessage(), elapsed(start));
        }
        try { // the program reads no input: it sees end of file at once
            process.getOutputStream().close();
        } catch (IOException e) {
            // the program gets no input; if its end is already closed there is nothing to signal
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> pump(process, tail), "processor-command-output");
        reader.setDaemon(true);
        reader.start();
        boolean timedOut;
        try {
            timedOut = !process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (timedOut) {
                kill(process);
            }
            reader.join(GRACE.toMillis());
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            return new CommandResult(-1, true, "interrupted", elapsed(start));
        }
        String lines;
        synchronized (tail) {
            lines = String.join("\n", tail);
        }
        return new CommandResult(timedOut ? -1 : process.exitValue(), timedOut, lines, elapsed(start));
    }

    private void pump(Process process, Deque<String> tail) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                output.accept(line);
                synchronized (tail) {
                    tail.addLast(line.length() > TAIL_LINE_CHARS ? line.substring(0, TAIL_LINE_CHARS) + "…" : line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the stream closes when the process is killed; what was read is kept
        }
    }

    /** SIGTERM to the program and its descendants (found before the parent dies), then SIGKILL. */
    private static void kill(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private Duration elapsed(long start) {
        return Duration.ofMillis(clock.millis() - start);
    }
}

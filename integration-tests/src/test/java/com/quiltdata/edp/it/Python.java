package com.quiltdata.edp.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The machine's default {@code python3} and the AWS tools installed in it (cfn-lint, moto). Tests
 * ask {@link #withModule} first and skip, with a message, where the tool is missing.
 */
public final class Python {
    /** The interpreter: $EDP_PYTHON when set, else python3 on the PATH. */
    public static final String INTERPRETER = Optional.ofNullable(System.getenv("EDP_PYTHON")).orElse("python3");

    private Python() {}

    /** True when the interpreter runs and can import {@code module}. */
    public static boolean withModule(String module) {
        try {
            return run(Repository.root(), 60, INTERPRETER, "-c", "import " + module).exitCode() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The result of a finished process: its exit code and everything it printed. */
    public record Result(int exitCode, String stdout, String stderr) {
        public String describe() {
            return "exit code " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /** Runs a command in {@code dir}, waiting at most {@code timeoutSeconds}; kills it (by its PID) on timeout. */
    public static Result run(Path dir, long timeoutSeconds, String... command) {
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile("edp-it-", ".out");
            err = Files.createTempFile("edp-it-", ".err");
            process = new ProcessBuilder(List.of(command)).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Runs a python script of this module (src/test/python/NAME) with arguments, from the repository root. */
    public static Result script(String name, long timeoutSeconds, String... args) {
        List<String> command = new ArrayList<>();
        command.add(INTERPRETER);
        command.add(Repository.root().resolve("integration-tests/src/test/python").resolve(name).toString());
        command.addAll(List.of(args));
        return run(Repository.root(), timeoutSeconds, command.toArray(String[]::new));
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}

package com.quiltdata.edp.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the EDP repository, found from the test's working directory (the module or the root). */
public final class Repository {
    private Repository() {}

    /** The repository root: the nearest directory upwards holding both template.yaml and pom.xml. */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("template.yaml")) && Files.isRegularFile(candidate.resolve("pom.xml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no directory above " + dir + " holds template.yaml and pom.xml");
    }

    public static Path file(String relative) {
        return root().resolve(relative);
    }

    public static String read(String relative) {
        try {
            return Files.readString(file(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A scratch directory under this module's target/, created on demand. */
    public static Path scratch(String name) {
        Path dir = root().resolve("integration-tests").resolve("target").resolve(name);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package com.quiltdata.edp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Loads the repository's {@code samples/events/*.json} by name. */
public final class SampleEvents {
    private SampleEvents() {}

    public static String load(String name) {
        try {
            return Files.readString(folder().resolve(name.endsWith(".json") ? name : name + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> names() {
        try (Stream<Path> files = Files.list(folder())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path folder() {
        return RepositoryFiles.find("samples/events");
    }
}

package com.quiltdata.edp.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code edp-processor/Dockerfile} as the tests read it (there is no Docker here to build it): its
 * base image, what it copies where, and its CMD in exec form. Continuation lines and comments are
 * understood; anything else the tests need is refused with the line.
 */
public record ProcessorImage(Path dockerfile, String from, List<Copy> copies, List<String> cmd, List<String> instructions) {
    public static final String DOCKERFILE = "edp-processor/Dockerfile";

    /** One {@code COPY source destination}; the source is relative to the build context (the Dockerfile's folder). */
    public record Copy(String source, String destination) {}

    public static ProcessorImage read() {
        Path file = Repository.file(DOCKERFILE);
        String text = Repository.read(DOCKERFILE);
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            logical.add(current.toString());
            current.setLength(0);
        }
        String from = null;
        List<Copy> copies = new ArrayList<>();
        List<String> cmd = List.of();
        for (String instruction : logical) {
            String[] parts = instruction.split("\\s+", 2);
            String keyword = parts[0].toUpperCase();
            String rest = parts.length > 1 ? parts[1] : "";
            switch (keyword) {
                case "FROM" -> from = rest.split("\\s+")[0];
                case "COPY" -> {
                    String[] words = rest.split("\\s+");
                    if (words.length != 2 || words[0].startsWith("--")) {
                        throw new IllegalArgumentException(DOCKERFILE + ": expected COPY <source> <destination>, got " + instruction);
                    }
                    copies.add(new Copy(words[0], words[1]));
                }
                case "CMD" -> cmd = execForm(instruction, rest);
                default -> { }
            }
        }
        if (from == null) {
            throw new IllegalArgumentException(DOCKERFILE + " has no FROM");
        }
        return new ProcessorImage(file, from, List.copyOf(copies), cmd, List.copyOf(logical));
    }

    /** The jar the image carries: the COPY source that ends in .jar, relative to the repository. */
    public Optional<String> jar() {
        Path context = Repository.root().relativize(dockerfile.getParent());
        return copies.stream().map(Copy::source).filter(s -> s.endsWith(".jar")).findFirst()
                .map(s -> context.resolve(s).toString().replace('\\', '/'));
    }

    private static List<String> execForm(String instruction, String rest) {
        try {
            JsonNode array = new ObjectMapper().readTree(rest);
            if (!array.isArray()) {
                throw new IllegalArgumentException(DOCKERFILE + ": CMD must be in exec form (a JSON array), got " + instruction);
            }
            List<String> words = new ArrayList<>();
            array.forEach(w -> words.add(w.asText()));
            return List.copyOf(words);
        } catch (IOException e) {
            throw new UncheckedIOException(DOCKERFILE + ": CMD must be in exec form (a JSON array), got " + instruction, e);
        }
    }
}

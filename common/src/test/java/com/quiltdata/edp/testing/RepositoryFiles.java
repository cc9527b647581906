package com.quiltdata.edp.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a file or folder of the repository from any module's working directory. */
public final class RepositoryFiles {
    private RepositoryFiles() {}

    public static Path find(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}

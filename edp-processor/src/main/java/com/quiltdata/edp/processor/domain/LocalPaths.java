package com.quiltdata.edp.processor.domain;

import java.nio.file.Path;
import java.util.Optional;

/** The mapping between keys under the pulled prefix and files under the local root folder, both ways. */
public final class LocalPaths {
    private LocalPaths() {}

    /**
     * Where a key goes locally, or empty for keys that are not files there: folder markers (ending in
     * {@code /}) and keys with an empty, {@code .} or {@code ..} segment, which would collapse into
     * another path or leave the root.
     */
    public static Optional<Path> localPath(Path root, String prefix, String key) {
        if (!key.startsWith(prefix) || key.length() == prefix.length() || key.endsWith("/")) {
            return Optional.empty();
        }
        Path path = root;
        for (String segment : key.substring(prefix.length()).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.indexOf('\0') >= 0) {
                return Optional.empty();
            }
            path = path.resolve(segment);
        }
        return path.normalize().startsWith(root) ? Optional.of(path) : Optional.empty();
    }

    /** The key a local file is written back to: the prefix and the file's path below the root, with {@code /}. */
    public static String key(String prefix, Path root, Path file) {
        StringBuilder key = new StringBuilder(prefix);
        Path relative = root.relativize(file);
        for (int i = 0; i < relative.getNameCount(); i++) {
            if (i > 0) {
                key.append('/');
            }
            key.append(relative.getName(i).toString());
        }
        return key.toString();
    }
}

package com.quiltdata.edp.cli.local;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The folder {@code edp local} watches, seen as a bucket: its bucket name (in events, batches and
 * revision rows) and the paths of keys and registry files under it.
 *
 * @param bucket the name the folder goes by in the database, a valid S3 bucket name
 */
public record LocalFolder(Path root, String bucket) {
    public static final String REGISTRY = ".quilt";

    public LocalFolder {
        root = root.toAbsolutePath().normalize();
    }

    /** Names the folder after its last path segment ("My Data" → "my-data"), or "local". */
    public static LocalFolder of(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        Path last = abs.getFileName();
        String name = last == null ? "" : last.toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-")
                .replaceAll("^[.-]+|[.-]+$", "");
        if (name.length() > 63) {
            name = name.substring(0, 63).replaceAll("[.-]+$", "");
        }
        if (name.length() < 3) {
            name = "local";
        }
        return new LocalFolder(abs, name);
    }

    /** The file of a key ({@code a/b.csv}) inside the folder. */
    public Path file(String key) {
        Path p = root;
        for (String segment : key.split("/")) {
            p = p.resolve(segment);
        }
        return p;
    }

    /**
     * True when a folder on the way from the root to {@code key}, or the key's own entry, is a symbolic
     * link: following it would leave the watched folder, so the key counts as not there.
     */
    public boolean throughLink(String key) {
        Path p = root;
        for (String segment : key.split("/")) {
            p = p.resolve(segment);
            if (Files.isSymbolicLink(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the entry's name reads back as the same bytes: S3 keys are UTF-8, and a name that is
     * not valid UTF-8 decodes to a different name, under which the file cannot be found again.
     */
    public static boolean hasUtf8Name(Path entry) {
        Path name = entry.getFileName();
        if (name == null) {
            return true;
        }
        try {
            return name.equals(name.getFileSystem().getPath(name.toString()));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    public Path registry() {
        return root.resolve(REGISTRY);
    }

    /** The registry as quilt3 names it: {@code file:///abs/folder}. */
    public String registryUrl() {
        return root.toUri().toString().replaceFirst("/$", "");
    }
}

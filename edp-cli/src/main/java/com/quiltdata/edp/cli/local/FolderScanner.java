package com.quiltdata.edp.cli.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Finds what changed in a folder since the last scan by comparing each regular file's size and
 * modification time: polling, so it behaves the same on every file system (network mounts,
 * containers) where change notifications are unreliable. {@code .quilt/} is never scanned.
 * Keys use {@code /} whatever the platform. Symbolic links are not followed, so nothing outside the
 * folder is ever seen; a file or folder whose name is not valid UTF-8 (an S3 key is UTF-8) is left
 * out and reported once.
 */
public final class FolderScanner {
    private final Path root;
    private final BiConsumer<String, String> skipped;
    private final Map<String, Fingerprint> known = new HashMap<>();
    private Set<Path> reported = Set.of();

    public FolderScanner(Path root) {
        this(root, (path, reason) -> { });
    }

    /** @param skipped told the path and the reason of each file left out, once while it stays there */
    public FolderScanner(Path root, BiConsumer<String, String> skipped) {
        this.root = root.toAbsolutePath().normalize();
        this.skipped = skipped;
    }

    /** What EDP already recorded for the folder (a restart): those files are not new. */
    public void remember(String key, Fingerprint fingerprint) {
        known.put(key, fingerprint);
    }

    /** Size and modification time: a change of either is a new version of the file. */
    public record Fingerprint(long size, long modifiedMillis) {
        /** The ETag the file's events carry, from which a restart recovers the fingerprint. */
        public String etag() {
            return Long.toHexString(modifiedMillis) + "-" + Long.toHexString(size);
        }

        public static Fingerprint fromEtag(String etag) {
            if (etag == null) {
                return null;
            }
            int dash = etag.indexOf('-');
            try {
                return dash < 0 ? null : new Fingerprint(Long.parseLong(etag.substring(dash + 1), 16),
                        Long.parseLong(etag.substring(0, dash), 16));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    /** A file that appeared or changed ({@code fingerprint} set) or disappeared ({@code fingerprint} null). */
    public record Change(String key, Fingerprint fingerprint) {
        public boolean deleted() {
            return fingerprint == null;
        }
    }

    /** Scans the folder once; changes come in key order, creations and updates before deletions. */
    public List<Change> scan() {
        Map<String, Fingerprint> now = new TreeMap<>();
        Set<Path> unnamed = new HashSet<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root) && dir.getParent().equals(root) && dir.getFileName().toString().equals(".quilt")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (!dir.equals(root) && !LocalFolder.hasUtf8Name(dir)) {
                        unnamed.add(dir);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        if (LocalFolder.hasUtf8Name(file)) {
                            now.put(keyOf(file), new Fingerprint(attrs.size(), attrs.lastModifiedTime().toMillis()));
                        } else {
                            unnamed.add(file);
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // a file removed while walking, or unreadable: it is simply not there this time
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("the folder " + root + " no longer exists");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path entry : unnamed) {
            if (!reported.contains(entry)) {
                skipped.accept(keyOf(entry), "its name is not valid UTF-8, which an S3 key must be; rename it to include it");
            }
        }
        reported = unnamed;
        List<Change> changes = new ArrayList<>();
        now.forEach((key, fp) -> {
            if (!fp.equals(known.get(key))) {
                changes.add(new Change(key, fp));
            }
        });
        new TreeMap<>(known).keySet().stream().filter(k -> !now.containsKey(k)).forEach(k -> changes.add(new Change(k, null)));
        known.clear();
        known.putAll(now);
        return changes;
    }

    /** A change that could not be recorded: the next scan reports it again. */
    public void retry(Change change) {
        if (change.deleted()) {
            known.put(change.key(), new Fingerprint(-1, -1));
        } else {
            known.remove(change.key());
        }
    }

    public Path root() {
        return root;
    }

    private String keyOf(Path file) {
        StringBuilder key = new StringBuilder();
        for (Path part : root.relativize(file)) {
            if (!key.isEmpty()) {
                key.append('/');
            }
            key.append(part);
        }
        return key.toString();
    }
}

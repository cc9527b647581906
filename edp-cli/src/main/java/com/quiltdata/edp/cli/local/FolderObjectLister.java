package com.quiltdata.edp.cli.local;

import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.port.ListedObject;
import com.quiltdata.edp.packager.port.ObjectLister;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The files under a folder of the local folder, as the packager lists objects; entries point at them
 * with file:// keys. Like {@link FolderScanner}, it never follows a link out of the folder.
 */
public final class FolderObjectLister implements ObjectLister {
    private final LocalFolder folder;

    public FolderObjectLister(LocalFolder folder) {
        this.folder = folder;
    }

    @Override
    public void listLatest(String bucket, String prefix, Consumer<ListedObject> sink) {
        LocalBuckets.require(folder, bucket);
        String folderKey = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
        Path start = folderKey.isEmpty() ? folder.root() : folder.file(folderKey);
        // a folder reached through a link is not in the watched folder, as the scanner sees it
        if (!Files.isDirectory(start) || (!folderKey.isEmpty() && folder.throughLink(folderKey))) {
            return;
        }
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    boolean unnamed = !dir.equals(start) && !LocalFolder.hasUtf8Name(dir);
                    return dir.equals(folder.registry()) || unnamed ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    // as the scanner: links are not followed, names that are not UTF-8 are left out
                    if (attrs.isRegularFile() && LocalFolder.hasUtf8Name(file)) {
                        sink.accept(new ListedObject(bucket, keyOf(file), Optional.empty(), attrs.size(), Set.of()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + start, e);
        }
    }

    @Override
    public PhysicalKey location(ListedObject object) {
        return PhysicalKey.file(folder.file(object.key()));
    }

    private String keyOf(Path file) {
        StringBuilder key = new StringBuilder();
        for (Path part : folder.root().relativize(file)) {
            if (!key.isEmpty()) {
                key.append('/');
            }
            key.append(part);
        }
        return key.toString();
    }
}

package com.quiltdata.edp.cli.local;

import com.quiltdata.edp.packager.RejectedException;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.port.ObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Reads small files (metadata, .quiltignore, workflow config) given as file:// keys or keys of the local folder. */
public final class FolderObjectReader implements ObjectReader {
    private final LocalFolder folder;

    public FolderObjectReader(LocalFolder folder) {
        this.folder = folder;
    }

    @Override
    public Optional<StoredText> read(PhysicalKey location, int maxBytes) {
        Path file;
        if (location.isLocal()) {
            file = Path.of(location.key());
        } else {
            LocalBuckets.require(folder, location.bucket());
            if (folder.throughLink(location.key())) {
                return Optional.empty(); // not in the watched folder, as the scanner sees it
            }
            file = folder.file(location.key());
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new RejectedException(location.toUrl() + " is larger than the " + maxBytes + " bytes the packager reads");
            }
            return Optional.of(new StoredText(new String(bytes, StandardCharsets.UTF_8), location));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (Files.isDirectory(file)) {
                return Optional.empty();
            }
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}

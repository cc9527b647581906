package com.quiltdata.edp.packager.port;

import com.quiltdata.edp.packager.domain.PhysicalKey;
import java.util.Optional;

/** Reads small objects (metadata files, .quiltignore, schemas) whole; bigger than the limit is an error. */
public interface ObjectReader {
    Optional<StoredText> read(PhysicalKey location, int maxBytes);

    /** The text of an object and the location it was read from, pinned to its version when it has one. */
    record StoredText(String text, PhysicalKey location) {}
}

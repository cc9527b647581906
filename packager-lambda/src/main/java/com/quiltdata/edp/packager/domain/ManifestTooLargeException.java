package com.quiltdata.edp.packager.domain;

/** A manifest line quilt3 would refuse to read. */
public final class ManifestTooLargeException extends IllegalArgumentException {
    public ManifestTooLargeException(String message) {
        super(message);
    }
}

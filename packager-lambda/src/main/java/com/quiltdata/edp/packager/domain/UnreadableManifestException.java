package com.quiltdata.edp.packager.domain;

import com.quiltdata.edp.packager.RejectedException;

/** A manifest in a registry that is not one quilt3 could read: reading it again cannot help. */
public final class UnreadableManifestException extends RejectedException {
    public UnreadableManifestException(String message) {
        super(message);
    }
}

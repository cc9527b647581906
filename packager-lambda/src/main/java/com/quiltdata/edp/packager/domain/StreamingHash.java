package com.quiltdata.edp.packager.domain;

/** A manifest hash computed from an object's bytes, fed in order; one buffer's worth of state. */
public interface StreamingHash {
    void update(byte[] buffer, int offset, int length);

    /** The entry hash once every byte went through {@link #update}; fails if the count differs from the size. */
    Checksum finish();
}

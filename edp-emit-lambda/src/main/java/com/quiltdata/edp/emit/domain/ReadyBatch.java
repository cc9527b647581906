package com.quiltdata.edp.emit.domain;

import java.util.Objects;

/**
 * A batch the tick decided to announce, with the trigger that fired it. Once closed, neither
 * changes: every announcement of the batch id carries {@link #event()}'s content.
 */
public record ReadyBatch(OpenBatch batch, Trigger trigger) {

    public ReadyBatch {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(trigger, "trigger");
    }

    public PackageObjectsReady event() {
        return PackageObjectsReady.of(batch, trigger);
    }
}

package com.quiltdata.edp.cli.local;

import com.quiltdata.edp.emit.domain.PackageObjectsReady;
import com.quiltdata.edp.packager.PackageOutcome;
import com.quiltdata.edp.packager.port.PackageRevision;

/** What the local pipeline tells the person watching it. */
public interface LocalListener {
    /** Changes found by one scan and recorded by the store. */
    void recorded(int created, int deleted, int stored);

    void batchFired(PackageObjectsReady event);

    void packageWritten(PackageRevision revision);

    void packageUnchanged(PackageOutcome outcome);

    /** @param retried true when the batch stays due and is packaged again on the next tick */
    void packagingFailed(PackageObjectsReady event, String reason, boolean retried);

    /** A file the folder holds but EDP leaves out (said once per file, not on every scan). */
    default void fileSkipped(String path, String reason) {}
}

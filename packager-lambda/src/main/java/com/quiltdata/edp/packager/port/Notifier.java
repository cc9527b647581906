package com.quiltdata.edp.packager.port;

import java.util.List;

/** Tells subscribers about new packages and about requests that failed for good. */
public interface Notifier {
    void packageCreated(PackageRevision revision);

    void packageFailed(Failure failure);

    /**
     * @param packageName the package, when known
     * @param workflow    the workflow that rejected it, when one did
     * @param errors      the validation errors, one per line
     */
    record Failure(String source, String packageName, String reason, String workflow, List<String> errors) {}
}

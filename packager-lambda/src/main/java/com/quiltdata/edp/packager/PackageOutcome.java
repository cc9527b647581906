package com.quiltdata.edp.packager;

import com.quiltdata.edp.packager.domain.PackageName;

/** What became of one package request. */
public record PackageOutcome(Kind kind, String registry, PackageName name, String topHash, long objects, String detail) {
    public enum Kind {
        /** a new revision was written */
        CREATED,
        /** same batch id or same top hash as the latest revision: nothing new written */
        UNCHANGED,
        /** out of time: a checkpoint part was written and the request sent back to the queue to go on (ADR 0114) */
        CONTINUED
    }
}

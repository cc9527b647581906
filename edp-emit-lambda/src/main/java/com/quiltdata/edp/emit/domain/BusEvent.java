package com.quiltdata.edp.emit.domain;

/** An event the emit Lambda publishes on the EDP bus. */
public sealed interface BusEvent permits PackageObjectsReady, PackageReady {
    /** Identifies the event within one publish call, so failed entries map back to their rows. */
    String id();
}

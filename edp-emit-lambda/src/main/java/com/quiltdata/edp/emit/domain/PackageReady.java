package com.quiltdata.edp.emit.domain;

/**
 * The {@code package-ready} event (ADR 0202, ADR 0203): a package revision written by the packager
 * whose {@code PackageReadyDelay} has passed, so that File Gateway caches can catch up first. {@code registry} is the bucket of the Quilt registry.
 */
public record PackageReady(long revisionId, String registry, String packageName, String topHash) implements BusEvent {

    public static final String VERSION = "0.1";
    public static final String DETAIL_TYPE = "package-ready";

    @Override
    public String id() {
        return Long.toString(revisionId);
    }
}

package com.quiltdata.edp.emit.domain;

/**
 * The {@code package-ready} event (design decision 11): a package revision written by the packager
 * whose delay has passed. {@code registry} is the bucket of the Quilt registry.
 */
public record PackageReady(long revisionId, String registry, String packageName, String topHash) implements BusEvent {

    public static final String VERSION = "0.1";
    public static final String DETAIL_TYPE = "package-ready";

    @Override
    public String id() {
        return Long.toString(revisionId);
    }
}

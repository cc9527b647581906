package com.quiltdata.edp.domain;

/**
 * The store's asynchronous request that the emit function run one tick now, because a commit made a
 * batch ready by count or sentinel (ADR 0207). The store sends {@link #PAYLOAD}; the emit function
 * runs one tick for an event of {@link #DETAIL_TYPE} and its minute loop for anything else. Both
 * sides read it from here, so they cannot drift apart.
 */
public final class ImmediateTickRequest {
    public static final String DETAIL_TYPE = "edp-batches-ready";
    public static final String PAYLOAD =
            "{\"source\":\"com.quiltdata.edp.store\",\"detail-type\":\"" + DETAIL_TYPE + "\",\"detail\":{}}";

    private ImmediateTickRequest() {}
}

package com.quiltdata.edp.emit.domain;

/** Why a batch fired; the wire names are those of the event's {@code trigger} field and of batch.trigger. */
public enum Trigger {
    SENTINEL("sentinel", "Sentinel"),
    COUNT("count", "Count"),
    QUIET("quiet", "Quiet"),
    MAX_AGE("max_age", "MaxAge"),
    MANUAL("manual", "Manual");

    private final String wireName;
    private final String metricSuffix;

    Trigger(String wireName, String metricSuffix) {
        this.wireName = wireName;
        this.metricSuffix = metricSuffix;
    }

    public String wireName() {
        return wireName;
    }

    /** The trigger of a wire name, as batch.trigger stores it. */
    public static Trigger fromWireName(String wireName) {
        for (Trigger t : values()) {
            if (t.wireName.equals(wireName)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown trigger '" + wireName + "'");
    }

    /** BatchesEmitted + this suffix is the per-trigger metric name. */
    public String metricSuffix() {
        return metricSuffix;
    }
}

package com.quiltdata.edp.packager;

import java.util.function.Consumer;

/** The packager Lambda's real handler over wiring the test built (its constructor is package-private). */
public final class PackagerHandlers {
    private PackagerHandlers() {}

    public static PackagerHandler of(PackagerWiring wiring, Consumer<String> metricsSink) {
        return new PackagerHandler(wiring, metricsSink);
    }
}

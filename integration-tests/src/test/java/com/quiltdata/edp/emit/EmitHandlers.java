package com.quiltdata.edp.emit;

/** The emit Lambda's real handler over a tick the test assembled (its constructor is package-private). */
public final class EmitHandlers {
    private EmitHandlers() {}

    public static EmitHandler of(EmitTick tick) {
        return new EmitHandler(tick);
    }
}

package com.quiltdata.edp.config;

import java.util.Optional;

/**
 * Which stack the metrics belong to: EDP_STACK_NAME, set by the template to the stack's name. Empty
 * outside a stack (local runs, the CLI, tests), where metrics keep the single dimension Function.
 */
public record MetricsSettings(Optional<String> stack) {
    private static final MetricsSettings PROCESS = from(new Env(System.getenv()));

    public static MetricsSettings from(Env env) {
        return new MetricsSettings(env.optional("EDP_STACK_NAME"));
    }

    /** The settings of this process, read once. */
    public static MetricsSettings ofProcess() {
        return PROCESS;
    }
}

package com.quiltdata.edp.cli;

import com.quiltdata.edp.config.ConfigurationException;
import com.quiltdata.edp.config.Env;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one place the command line reads the environment. Commands read the same variables the
 * Lambdas read, through the same settings classes; a flag given on the command line overrides its
 * variable and is checked by the same rules ({@link #with}).
 */
public final class CliEnvironment {
    private final Map<String, String> variables;

    private CliEnvironment(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    public static CliEnvironment current() {
        return new CliEnvironment(System.getenv());
    }

    public Map<String, String> variables() {
        return variables;
    }

    public Optional<String> get(String name) {
        return new Env(variables).optional(name);
    }

    public boolean flag(String name) {
        return "1".equals(variables.get(name));
    }

    /** Name-value pairs of flags, where a value is null when its flag was not given. */
    public static Map<String, Object> flags(Object... nameValuePairs) {
        Map<String, Object> flags = new HashMap<>();
        for (int i = 0; i + 1 < nameValuePairs.length; i += 2) {
            flags.put((String) nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return flags;
    }

    /** These variables, with each flag that was given (non-null) in place of its variable. */
    public CliEnvironment with(Map<String, Object> flags) {
        Map<String, String> merged = new HashMap<>(variables);
        flags.forEach((name, value) -> {
            if (value != null) {
                merged.put(name, value instanceof java.util.Collection<?> list
                        ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(value));
            }
        });
        return new CliEnvironment(merged);
    }

    /**
     * Reads a setting through its settings class; a problem becomes a usage error naming it.
     *
     * @param hint what the user can pass instead
     */
    public <T> T read(java.util.function.Function<Env, T> settings, String hint) {
        Env env = new Env(variables);
        T value = settings.apply(env);
        try {
            env.validate();
        } catch (ConfigurationException e) {
            throw new UsageException(String.join("; ", e.problems()), hint);
        }
        return value;
    }
}

package com.quiltdata.edp.config;

import com.quiltdata.edp.observe.Bounded;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads over a map of environment variables that collect every problem instead of stopping at
 * the first, so a misconfigured function fails at cold start with one message naming all of them.
 * Call {@link #validate()} after the last read.
 */
public final class Env {
    private final Map<String, String> vars;
    private final List<String> problems = new ArrayList<>();

    public Env(Map<String, String> vars) {
        this.vars = Map.copyOf(vars);
    }

    public Optional<String> optional(String name) {
        String value = vars.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String required(String name) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            problems.add(name + " is required");
            return "";
        }
        return value.get();
    }

    public String string(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    public int integer(String name, int defaultValue, int min, int max) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed < min || parsed > max) {
                problems.add(name + " must be between " + min + " and " + max + ", got " + parsed);
                return defaultValue;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problems.add(name + " must be a whole number, got " + Bounded.quoted(value.get()));
            return defaultValue;
        }
    }

    /** A duration given in whole seconds, as the template parameters are. */
    public Duration seconds(String name, long defaultSeconds, long minSeconds) {
        return Duration.ofSeconds(integer(name, (int) defaultSeconds, (int) minSeconds, Integer.MAX_VALUE));
    }

    /** A comma-separated list, entries trimmed, empty entries dropped. */
    public List<String> list(String name) {
        return optional(name)
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /** Records a problem found by the caller's own checks (a bad glob, a bad filter...). */
    public void problem(String message) {
        problems.add(message);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Throws one {@link ConfigurationException} naming every problem recorded so far. */
    public void validate() {
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }
}

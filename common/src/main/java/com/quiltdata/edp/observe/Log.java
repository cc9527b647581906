package com.quiltdata.edp.observe;

import com.quiltdata.edp.json.Json;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One structured JSON line per decision, on stdout, where Lambda sends it to CloudWatch Logs.
 * Kept dependency-free on purpose: the Lambdas need no logging framework for this.
 */
public final class Log {
    private static volatile PrintStream out = System.out;
    private static volatile boolean quiet = Boolean.getBoolean("edp.log.quiet");

    private final String component;

    private Log(String component) {
        this.component = component;
    }

    public static Log of(String component) {
        return new Log(component);
    }

    /** Redirects or silences every logger (benchmarks and the CLI use this). */
    public static void redirect(PrintStream stream, boolean silence) {
        out = stream;
        quiet = silence;
    }

    public void info(String message, Object... keyValues) {
        write("INFO", message, keyValues);
    }

    public void warn(String message, Object... keyValues) {
        write("WARN", message, keyValues);
    }

    public void error(String message, Object... keyValues) {
        write("ERROR", message, keyValues);
    }

    private void write(String level, String message, Object... keyValues) {
        if (quiet) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("level", level);
        line.put("component", component);
        line.put("message", message);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            Object value = keyValues[i + 1];
            line.put(String.valueOf(keyValues[i]), value instanceof CharSequence text
                    ? Bounded.cut(text.toString(), Bounded.MAX_LOG_VALUE_CHARS) : value);
        }
        out.println(Json.write(line));
    }
}

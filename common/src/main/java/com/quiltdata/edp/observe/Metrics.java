package com.quiltdata.edp.observe;

import com.quiltdata.edp.config.MetricsSettings;
import com.quiltdata.edp.json.Json;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * CloudWatch embedded-metric-format lines: one JSON object per flush, extracted by the Lambda log
 * group, so publishing metrics costs no API call and no IAM permission. A deployed function adds the
 * dimension {@code Stack} (its stack's name), so two stacks in one account and region keep apart.
 */
public final class Metrics {
    public static final String NAMESPACE = "EDP";
    public static final String FUNCTION_DIMENSION = "Function";
    public static final String STACK_DIMENSION = "Stack";

    private final String function;
    private final Optional<String> stack;
    private final Clock clock;
    private final Consumer<String> sink;
    private final Map<String, Double> values = new LinkedHashMap<>();
    private final Map<String, String> units = new LinkedHashMap<>();

    /** Metrics of this process's stack ({@link MetricsSettings#ofProcess()}), if it runs in one. */
    public Metrics(String function, Clock clock, Consumer<String> sink) {
        this(function, MetricsSettings.ofProcess().stack(), clock, sink);
    }

    public Metrics(String function, Optional<String> stack, Clock clock, Consumer<String> sink) {
        this.function = function;
        this.stack = stack;
        this.clock = clock;
        this.sink = sink;
    }

    /** Metrics written to stdout, as Lambda expects. */
    public static Metrics toStdout(String function, Clock clock) {
        PrintStream out = System.out;
        return new Metrics(function, clock, out::println);
    }

    public Metrics count(String name, long value) {
        return put(name, value, "Count");
    }

    public Metrics millis(String name, double value) {
        return put(name, value, "Milliseconds");
    }

    public Metrics seconds(String name, double value) {
        return put(name, value, "Seconds");
    }

    private synchronized Metrics put(String name, double value, String unit) {
        values.merge(name, value, Double::sum);
        units.put(name, unit);
        return this;
    }

    /** The current value of a metric, for tests and summaries. */
    public synchronized double value(String name) {
        return values.getOrDefault(name, 0.0);
    }

    /** Writes one EMF line with every metric recorded since the last flush, then forgets them. */
    public synchronized void flush() {
        if (values.isEmpty()) {
            return;
        }
        List<Map<String, Object>> definitions = new ArrayList<>();
        units.forEach((name, unit) -> definitions.add(Map.of("Name", name, "Unit", unit, "StorageResolution", 60)));
        Map<String, Object> directive = new LinkedHashMap<>();
        directive.put("Namespace", NAMESPACE);
        directive.put("Dimensions", List.of(stack.isPresent() ? List.of(FUNCTION_DIMENSION, STACK_DIMENSION) : List.of(FUNCTION_DIMENSION)));
        directive.put("Metrics", definitions);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics", List.of(directive)));
        line.put(FUNCTION_DIMENSION, function);
        stack.ifPresent(name -> line.put(STACK_DIMENSION, name));
        values.forEach((name, value) -> line.put(name, value % 1 == 0 ? (Object) value.longValue() : value));
        sink.accept(Json.write(line));
        values.clear();
        units.clear();
    }
}

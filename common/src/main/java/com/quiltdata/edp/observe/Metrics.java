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
    /** Metrics whose every value counts (a delay per batch): written as EMF value arrays, not summed. */
    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private final Map<String, String> sampleUnits = new LinkedHashMap<>();
    /** EMF takes at most 100 values per metric in one line; more go into further lines. */
    static final int MAX_VALUES_PER_LINE = 100;

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

    /**
     * One observation of a metric whose distribution matters (percentiles on the dashboard): each
     * value is kept, where {@link #seconds} would add them up.
     */
    public synchronized Metrics sample(String name, double value, String unit) {
        samples.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        sampleUnits.put(name, unit);
        return this;
    }

    /** The observations of a sampled metric since the last flush, for tests. */
    public synchronized List<Double> samples(String name) {
        return List.copyOf(samples.getOrDefault(name, List.of()));
    }

    /** The current value of a metric, for tests and summaries. */
    public synchronized double value(String name) {
        return values.getOrDefault(name, 0.0);
    }

    /** Writes one EMF line with every metric recorded since the last flush, then forgets them. */
    public synchronized void flush() {
        if (values.isEmpty() && samples.isEmpty()) {
            return;
        }
        int mostSamples = samples.values().stream().mapToInt(List::size).max().orElse(0);
        for (int from = 0; from == 0 || from < mostSamples; from += MAX_VALUES_PER_LINE) {
            writeLine(from);
        }
        values.clear();
        units.clear();
        samples.clear();
        sampleUnits.clear();
    }

    /** The summed metrics (first line only) and the samples from index {@code from} on, at most 100 of each. */
    private void writeLine(int from) {
        Map<String, String> lineUnits = new LinkedHashMap<>(from == 0 ? units : Map.of());
        Map<String, Object> lineValues = new LinkedHashMap<>();
        if (from == 0) {
            values.forEach((name, value) -> lineValues.put(name, value % 1 == 0 ? (Object) value.longValue() : value));
        }
        samples.forEach((name, all) -> {
            if (all.size() > from) {
                lineUnits.put(name, sampleUnits.get(name));
                lineValues.put(name, List.copyOf(all.subList(from, Math.min(all.size(), from + MAX_VALUES_PER_LINE))));
            }
        });
        if (lineValues.isEmpty()) {
            return;
        }
        List<Map<String, Object>> definitions = new ArrayList<>();
        lineUnits.forEach((name, unit) -> definitions.add(Map.of("Name", name, "Unit", unit, "StorageResolution", 60)));
        Map<String, Object> directive = new LinkedHashMap<>();
        directive.put("Namespace", NAMESPACE);
        directive.put("Dimensions", List.of(stack.isPresent() ? List.of(FUNCTION_DIMENSION, STACK_DIMENSION) : List.of(FUNCTION_DIMENSION)));
        directive.put("Metrics", definitions);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics", List.of(directive)));
        line.put(FUNCTION_DIMENSION, function);
        stack.ifPresent(name -> line.put(STACK_DIMENSION, name));
        line.putAll(lineValues);
        sink.accept(Json.write(line));
    }
}

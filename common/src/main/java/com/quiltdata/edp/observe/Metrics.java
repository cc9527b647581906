package com.quiltdata.edp.observe;

import com.quiltdata.edp.json.Json;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * CloudWatch embedded-metric-format lines: one JSON object per flush, extracted by the Lambda log
 * group, so publishing metrics costs no API call and no IAM permission.
 */
public final class Metrics {
    public static final String NAMESPACE = "EDP";

    private final String function;
    private final Clock clock;
    private final Consumer<String> sink;
    private final Map<String, Double> values = new LinkedHashMap<>();
    private final Map<String, String> units = new LinkedHashMap<>();

    public Metrics(String function, Clock clock, Consumer<String> sink) {
        this.function = function;
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
        directive.put("Dimensions", List.of(List.of("Function")));
        directive.put("Metrics", definitions);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics", List.of(directive)));
        line.put("Function", function);
        values.forEach((name, value) -> line.put(name, value % 1 == 0 ? (Object) value.longValue() : value));
        sink.accept(Json.write(line));
        values.clear();
        units.clear();
    }
}

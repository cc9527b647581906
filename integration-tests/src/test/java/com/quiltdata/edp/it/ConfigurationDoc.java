package com.quiltdata.edp.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The contract in {@code docs/configuration.md}: each function's jar and handler, the environment
 * variables each function reads, and the metric names each one emits (namespace EDP, dimension
 * Function). The template and the dashboard are checked against it.
 */
public record ConfigurationDoc(List<Handler> handlers, List<Variable> variables, Map<String, Set<String>> metricsByFunction) {
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    /** A row of the handlers table: function name (store, migrate...), jar path, handler. */
    public record Handler(String function, String jar, String handler) {
        /** The module directory, the first segment of the jar path. */
        public String module() {
            return jar.substring(0, jar.indexOf('/'));
        }

        public String className() {
            return handler.substring(0, handler.indexOf("::"));
        }

        public String methodName() {
            return handler.substring(handler.indexOf("::") + 2);
        }
    }

    /**
     * A row of the environment table. {@code parameter} is the template parameter it comes from, or
     * empty when the stack supplies it or it is for local use; {@code usedBy} names functions, "all"
     * or "local use only"; {@code required} when the table gives no default.
     */
    public record Variable(String name, String parameterColumn, String usedBy, boolean required) {
        public boolean localOnly() {
            return usedBy.contains("local use only");
        }

        public boolean readBy(String function) {
            if (localOnly()) {
                return false;
            }
            if (usedBy.trim().equals("all")) {
                return true;
            }
            for (String user : usedBy.split(",")) {
                if (user.trim().equals(function)) {
                    return true;
                }
            }
            return false;
        }

        /** The template parameter named in backticks in the parameter column, if any. */
        public java.util.Optional<String> parameter() {
            Matcher m = CODE.matcher(parameterColumn);
            return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
        }
    }

    public static ConfigurationDoc load() {
        return parse(Repository.read("docs/configuration.md"));
    }

    public static ConfigurationDoc parse(String markdown) {
        List<Handler> handlers = new ArrayList<>();
        List<Variable> variables = new ArrayList<>();
        Map<String, Set<String>> metrics = new LinkedHashMap<>();
        String section = "";
        for (String line : markdown.split("\n")) {
            if (line.startsWith("## ")) {
                section = line.substring(3).trim().toLowerCase();
                continue;
            }
            if (!line.startsWith("|") || line.startsWith("|---") || line.startsWith("| ---")) {
                continue;
            }
            List<String> cells = cells(line);
            if (section.startsWith("handlers")) {
                if (cells.size() >= 3 && cells.get(1).contains(".jar")) {
                    handlers.add(new Handler(firstWord(cells.get(0)), code(cells.get(1)).get(0), code(cells.get(2)).get(0)));
                }
            } else if (section.startsWith("environment")) {
                if (cells.size() >= 4 && !code(cells.get(0)).isEmpty()) {
                    boolean required = cells.get(3).trim().equals("—") || cells.get(3).trim().equals("-");
                    for (String name : code(cells.get(0))) {
                        variables.add(new Variable(name, cells.get(1), cells.get(2), required));
                    }
                }
            } else if (section.startsWith("metrics")) {
                if (cells.size() >= 2 && !code(cells.get(1)).isEmpty()) {
                    metrics.computeIfAbsent(firstWord(cells.get(0)), k -> new LinkedHashSet<>()).addAll(code(cells.get(1)));
                }
            }
        }
        if (handlers.isEmpty() || variables.isEmpty() || metrics.isEmpty()) {
            throw new IllegalStateException("docs/configuration.md lost a table: handlers=" + handlers.size()
                    + " variables=" + variables.size() + " metrics=" + metrics.size());
        }
        return new ConfigurationDoc(List.copyOf(handlers), List.copyOf(variables), Map.copyOf(metrics));
    }

    public List<Variable> variablesReadBy(String function) {
        return variables.stream().filter(v -> v.readBy(function)).toList();
    }

    private static List<String> cells(String line) {
        String trimmed = line.trim();
        trimmed = trimmed.substring(1, trimmed.endsWith("|") ? trimmed.length() - 1 : trimmed.length());
        List<String> cells = new ArrayList<>();
        for (String cell : trimmed.split("\\|")) {
            cells.add(cell.trim());
        }
        return cells;
    }

    private static List<String> code(String cell) {
        List<String> values = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    private static String firstWord(String cell) {
        return cell.trim().split("[\\s(]")[0];
    }
}

package com.quiltdata.edp.emit.domain;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules file (ADR 0313): per-bucket or per-prefix thresholds that override the stack's defaults,
 * read by the emit function at run time. JSON:
 *
 * <pre>{@code
 * {"version": 1,
 *  "rules": [
 *    {"bucket": "lab-raw", "event_count": 500},
 *    {"bucket": "lab-raw", "prefix": "instruments/seq-1/", "quiet_seconds": 900, "max_age_seconds": 7200}]}
 * }</pre>
 *
 * Each rule names a bucket and optionally a key prefix ("" or absent = the whole bucket); the fields
 * it leaves out keep the stack's values. Anything else is refused with the line and the field.
 */
public final class RulesFile {
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RULE_FIELDS = Set.of("bucket", "prefix", "event_count", "quiet_seconds", "max_age_seconds");
    private static final String BUCKET = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]";

    private RulesFile() {}

    /**
     * The thresholds the file describes over {@code defaults}.
     *
     * @param source how messages name the file (its s3:// URI)
     * @throws Invalid naming the file, the line and the field of the first problem
     */
    public static ThresholdRules parse(String text, ReadinessRules defaults, String source) {
        List<ThresholdRules.Scope> scopes = new ArrayList<>();
        boolean sawVersion = false;
        boolean sawRules = false;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Invalid(source, line(p), "the file must be a JSON object {\"version\": 1, \"rules\": [...]}");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                int fieldLine = line(p);
                JsonToken value = p.nextToken();
                switch (field) {
                    case "version" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT || p.getIntValue() != VERSION) {
                            throw new Invalid(source, fieldLine, "version must be " + VERSION + ", got " + p.getText());
                        }
                        sawVersion = true;
                    }
                    case "rules" -> {
                        if (value != JsonToken.START_ARRAY) {
                            throw new Invalid(source, fieldLine, "rules must be an array of rules");
                        }
                        sawRules = true;
                        int index = 0;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            index++;
                            int ruleLine = line(p);
                            if (p.currentToken() != JsonToken.START_OBJECT) {
                                throw new Invalid(source, ruleLine, "rule " + index + " must be an object");
                            }
                            JsonNode rule = p.readValueAsTree();
                            scopes.add(scope(rule, defaults, source, ruleLine, index));
                        }
                    }
                    default -> throw new Invalid(source, fieldLine, "unknown field " + quoted(field) + " (expected version and rules)");
                }
            }
        } catch (JsonProcessingException e) {
            throw new Invalid(source, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), "not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Invalid(source, 0, "unreadable: " + e.getMessage());
        }
        if (!sawVersion) {
            throw new Invalid(source, 1, "version is missing (\"version\": " + VERSION + ")");
        }
        if (!sawRules) {
            throw new Invalid(source, 1, "rules is missing (\"rules\": [...])");
        }
        Map<String, ThresholdRules.Scope> seen = new HashMap<>();
        for (ThresholdRules.Scope scope : scopes) {
            ThresholdRules.Scope earlier = seen.putIfAbsent(scope.bucket() + "\n" + scope.prefix(), scope);
            if (earlier != null) {
                throw new Invalid(source, scope.line(), "bucket " + quoted(scope.bucket()) + " prefix " + quoted(scope.prefix())
                        + " is already set on line " + earlier.line());
            }
        }
        return new ThresholdRules(defaults, scopes);
    }

    private static ThresholdRules.Scope scope(JsonNode rule, ReadinessRules defaults, String source, int line, int index) {
        String where = "rule " + index;
        for (Iterator<String> names = rule.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!RULE_FIELDS.contains(name)) {
                throw new Invalid(source, line, where + ": unknown field " + quoted(name) + " (expected one of " + RULE_FIELDS.stream().sorted().toList() + ")");
            }
        }
        JsonNode bucket = rule.get("bucket");
        if (bucket == null || !bucket.isTextual() || !bucket.asText().matches(BUCKET)) {
            throw new Invalid(source, line, where + ": bucket must be an S3 bucket name, got " + (bucket == null ? "nothing" : bucket.toString()));
        }
        JsonNode prefixNode = rule.get("prefix");
        String prefix = "";
        if (prefixNode != null && !prefixNode.isNull()) {
            if (!prefixNode.isTextual() || prefixNode.asText().startsWith("/")) {
                throw new Invalid(source, line, where + ": prefix must be a key prefix that does not start with /, got " + prefixNode);
            }
            prefix = prefixNode.asText();
        }
        int count = whole(rule, "event_count", 1, defaults.countThreshold(), source, line, where);
        long quiet = whole(rule, "quiet_seconds", 0, defaults.quietPeriod().toSeconds(), source, line, where);
        long maxAge = whole(rule, "max_age_seconds", 0, defaults.maxAge().toSeconds(), source, line, where);
        if (!rule.has("event_count") && !rule.has("quiet_seconds") && !rule.has("max_age_seconds")) {
            throw new Invalid(source, line, where + ": sets none of event_count, quiet_seconds, max_age_seconds");
        }
        ReadinessRules rules = new ReadinessRules(count, Duration.ofSeconds(quiet), Duration.ofSeconds(maxAge), defaults.sentinels());
        return new ThresholdRules.Scope(bucket.asText(), prefix, rules, line);
    }

    private static int whole(JsonNode rule, String field, int min, long fallback, String source, int line, String where) {
        JsonNode value = rule.get(field);
        if (value == null) {
            return (int) Math.min(Integer.MAX_VALUE, fallback);
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < min) {
            throw new Invalid(source, line, where + ": " + field + " must be a whole number of at least " + min + ", got " + value);
        }
        return value.asInt();
    }

    private static int line(JsonParser p) {
        JsonLocation location = p.getTokenLocation();
        return location == null ? 0 : location.getLineNr();
    }

    private static String quoted(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return "\"" + shown + "\"";
    }

    /** A rules file that cannot be used; the message names the file, the line and the field. */
    public static final class Invalid extends IllegalArgumentException {
        private final int line;

        public Invalid(String source, int line, String problem) {
            super("rules file " + source + (line > 0 ? " line " + line : "") + ": " + problem);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }
}

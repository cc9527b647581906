package com.quiltdata.edp.processor.domain;

import com.quiltdata.edp.observe.Bounded;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * MATCH_KEYS: comma-separated Java regexes, any of which selects a key (found anywhere in the full
 * key, so anchor with {@code ^…$} when needed). No regexes select every key. A comma inside a regex
 * is written {@code \,} (so {@code \d{2\,4}} is the regex {@code \d{2,4}}); every other backslash is
 * kept as it is, so {@code \\,} is a regex ending in an escaped backslash followed by the separator.
 */
public final class MatchKeys {
    private final List<Pattern> patterns;

    private MatchKeys(List<Pattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    public static MatchKeys all() {
        return new MatchKeys(List.of());
    }

    /** Parses the list; throws {@link IllegalArgumentException} naming the regex that does not compile. */
    public static MatchKeys parse(String list) {
        List<Pattern> patterns = new ArrayList<>();
        for (String regex : split(list)) {
            try {
                patterns.add(Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(Bounded.quoted(regex) + " is not a valid regex: " + e.getDescription());
            }
        }
        return new MatchKeys(patterns);
    }

    /** Splits on unescaped commas, turning {@code \,} into a comma; entries trimmed, empty ones dropped. */
    static List<String> split(String list) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '\\' && i + 1 < list.length()) {
                char next = list.charAt(i + 1);
                if (next == ',') {
                    current.append(',');
                } else {
                    current.append(c).append(next);
                }
                i++;
            } else if (c == ',') {
                add(parts, current);
            } else {
                current.append(c);
            }
        }
        add(parts, current);
        return parts;
    }

    private static void add(List<String> parts, StringBuilder current) {
        String part = current.toString().trim();
        if (!part.isEmpty()) {
            parts.add(part);
        }
        current.setLength(0);
    }

    public boolean matches(String key) {
        if (patterns.isEmpty()) {
            return true;
        }
        for (Pattern p : patterns) {
            if (p.matcher(key).find()) {
                return true;
            }
        }
        return false;
    }

    public List<String> regexes() {
        return patterns.stream().map(Pattern::pattern).toList();
    }
}

package com.quiltdata.edp.packager.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * quilt3's {@code .quiltignore}: every non-empty line, verbatim, becomes the fnmatch pattern
 * {@code *}{@code /<line>} matched case-sensitively against {@code "/" + path}, where {@code *}
 * also matches {@code /}. A matching directory (with or without a trailing {@code /}) drops
 * everything below it. No comments, no negation, no trimming: the same as quilt3.
 */
public final class QuiltIgnore {
    private static final QuiltIgnore NONE = new QuiltIgnore(List.of());
    private final List<Pattern> patterns;

    private QuiltIgnore(List<Pattern> patterns) {
        this.patterns = patterns;
    }

    public static QuiltIgnore none() {
        return NONE;
    }

    public static QuiltIgnore parse(String text) {
        List<Pattern> patterns = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (!line.isEmpty()) {
                patterns.add(fnmatch("*/" + line));
            }
        }
        return new QuiltIgnore(List.copyOf(patterns));
    }

    /** True when the file at this logical key, or one of its directories, is ignored. */
    public boolean ignores(String logicalKey) {
        if (patterns.isEmpty()) {
            return false;
        }
        String path = "/" + logicalKey;
        for (int slash = path.indexOf('/', 1); slash > 0; slash = path.indexOf('/', slash + 1)) {
            String dir = path.substring(0, slash);
            if (matches(dir) || matches(dir + "/")) {
                return true;
            }
        }
        return matches(path);
    }

    private boolean matches(String path) {
        for (Pattern p : patterns) {
            if (p.matcher(path).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Python's {@code fnmatch.translate}: {@code *}, {@code ?}, {@code [seq]}, {@code [!seq]}. */
    static Pattern fnmatch(String pattern) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        int n = pattern.length();
        while (i < n) {
            char c = pattern.charAt(i++);
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else if (c == '[') {
                int j = i;
                if (j < n && pattern.charAt(j) == '!') {
                    j++;
                }
                if (j < n && pattern.charAt(j) == ']') {
                    j++;
                }
                while (j < n && pattern.charAt(j) != ']') {
                    j++;
                }
                if (j >= n) {
                    re.append("\\[");
                } else {
                    String stuff = pattern.substring(i, j);
                    i = j + 1;
                    StringBuilder cls = new StringBuilder("[");
                    int k = 0;
                    if (stuff.startsWith("!")) {
                        cls.append('^');
                        k = 1;
                    }
                    for (; k < stuff.length(); k++) {
                        char s = stuff.charAt(k);
                        if (s == '\\' || s == '[' || s == '&' || s == '~' || s == '|' || (s == '^' && k == 0)) {
                            cls.append('\\');
                        }
                        cls.append(s);
                    }
                    re.append(cls).append(']');
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}

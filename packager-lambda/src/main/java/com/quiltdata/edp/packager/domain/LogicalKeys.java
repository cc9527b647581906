package com.quiltdata.edp.packager.domain;

import com.quiltdata.edp.observe.Bounded;
import java.util.Comparator;

/**
 * Logical keys of a package: quilt3's validity rule and its tree-walk order (each directory's
 * children by name segment, code point order, a directory's whole subtree when its name comes up).
 */
public final class LogicalKeys {
    /** quilt3's tree-walk order, equivalent to comparing the lists of {@code /}-separated segments. */
    public static final Comparator<String> WALK_ORDER = LogicalKeys::compare;

    private LogicalKeys() {}

    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (true) {
            int endA = a.indexOf('/', i);
            int endB = b.indexOf('/', j);
            String segA = a.substring(i, endA < 0 ? a.length() : endA);
            String segB = b.substring(j, endB < 0 ? b.length() : endB);
            int c = CodePoints.compare(segA, segB);
            if (c != 0) {
                return c;
            }
            if (endA < 0 || endB < 0) {
                return Boolean.compare(endA >= 0, endB >= 0);
            }
            i = endA + 1;
            j = endB + 1;
        }
    }

    /** Why quilt3 would refuse this logical key, or null when it is valid. */
    public static String problem(String key) {
        if (key == null || key.isEmpty()) {
            return "empty logical key";
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) {
                return "logical key " + Bounded.quoted(key) + " has an empty path segment";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "logical key " + Bounded.quoted(key) + " has a " + Bounded.quoted(segment) + " segment";
            }
        }
        return null;
    }
}

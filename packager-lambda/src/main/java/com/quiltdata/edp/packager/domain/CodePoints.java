package com.quiltdata.edp.packager.domain;

import java.util.Comparator;

/** Python's string order: code point by code point, a shorter prefix first (not UTF-16 units). */
public final class CodePoints {
    public static final Comparator<String> ORDER = CodePoints::compare;

    private CodePoints() {}

    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}

package com.quiltdata.edp.observe;

/**
 * Input values echoed into error messages and log lines, cut to a bound. A message body can carry
 * a megabyte in one field; echoing it whole makes a log line CloudWatch splits and no one can read.
 * The cut keeps the start, which is what identifies a value, and says how long the original was.
 */
public final class Bounded {
    /** Characters of an echoed value kept. Keys (up to 1024 bytes) are cut too; their start names them. */
    public static final int MAX_ECHOED_CHARS = 200;
    /** Backstop for any one value of a log line, for the places that compose longer text. */
    public static final int MAX_LOG_VALUE_CHARS = 2_000;

    private Bounded() {}

    /** The value as text, cut to {@link #MAX_ECHOED_CHARS} with a marker naming its full length. */
    public static String text(Object value) {
        return cut(String.valueOf(value), MAX_ECHOED_CHARS);
    }

    /** The value in single quotes, as rejection reasons quote what they received. */
    public static String quoted(Object value) {
        return "'" + text(value) + "'";
    }

    /** The text cut to {@code max} characters, never splitting a surrogate pair. */
    public static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end) + "...[cut, " + text.length() + " chars]";
    }
}

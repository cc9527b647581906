package com.quiltdata.edp.store.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Instants to and from the one text shape the store meets on every event: S3 event times such as
 * {@code 2026-11-02T10:00:00.123Z}, and the timestamps it hands PostgreSQL in arrays. The JDK's
 * ISO formatter is general and was the store's largest single CPU cost per event (a profile of
 * bench/pipeline put 14% of the store threads' samples in {@link Instant#parse}). Anything outside
 * that shape goes to the JDK, so the results and the errors are the JDK's.
 */
public final class InstantText {
    private InstantText() {}

    /** Same result as {@link Instant#parse}, faster for {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}. */
    public static Instant parse(String text) {
        int n = text.length();
        if (n < 20 || n > 30 || text.charAt(n - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return Instant.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        if (n > 20) {
            // a fraction: '.' and 1 to 9 digits, padded to nanoseconds
            if (text.charAt(19) != '.' || n == 21) {
                return Instant.parse(text);
            }
            int fraction = digits(text, 20, n - 1);
            if (fraction < 0) {
                return Instant.parse(text);
            }
            nanos = fraction * POWERS_OF_TEN[9 - (n - 21)];
        }
        // second 60 (a leap second) and out-of-range fields are the JDK's to accept or refuse
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return Instant.parse(text);
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /**
     * The instant as PostgreSQL reads a timestamptz: {@code yyyy-MM-ddTHH:mm:ss[.ffffff…]Z}, in
     * UTC. Years 1 to 9999 take the fast path; others get {@link Instant#toString}.
     */
    public static String format(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        if (t.getYear() < 1 || t.getYear() > 9999) {
            return instant.toString();
        }
        char[] out = new char[30];
        put(out, 0, t.getYear(), 4);
        out[4] = '-';
        put(out, 5, t.getMonthValue(), 2);
        out[7] = '-';
        put(out, 8, t.getDayOfMonth(), 2);
        out[10] = 'T';
        put(out, 11, t.getHour(), 2);
        out[13] = ':';
        put(out, 14, t.getMinute(), 2);
        out[16] = ':';
        put(out, 17, t.getSecond(), 2);
        int end = 19;
        int nano = instant.getNano();
        if (nano != 0) {
            out[end++] = '.';
            put(out, end, nano, 9);
            end += 9;
            while (out[end - 1] == '0') {
                end--;
            }
        }
        out[end++] = 'Z';
        return new String(out, 0, end);
    }

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    /** The decimal value of text[from, to), or -1 if any character there is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static void put(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}

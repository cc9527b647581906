package com.quiltdata.edp.domain;

import com.quiltdata.edp.observe.Bounded;
import java.util.Locale;

/**
 * S3's per-key event order. Sequencers are hex strings of varying length; the documented comparison
 * right-pads the shorter with '0' and compares the strings. We store them padded to a fixed width,
 * so plain (binary-collation) string comparison in SQL gives the same order.
 */
public final class Sequencer {
    public static final int WIDTH = 64;

    private Sequencer() {}

    /** Lower-case, right-padded to {@link #WIDTH}; an absent sequencer sorts before every present one. */
    public static String normalize(String sequencer) {
        String s = sequencer == null ? "" : sequencer.trim().toLowerCase(Locale.ROOT);
        if (!isHex(s)) {
            throw new IllegalArgumentException("sequencer is not hexadecimal: " + Bounded.quoted(sequencer));
        }
        if (s.length() > WIDTH) {
            throw new IllegalArgumentException("sequencer longer than " + WIDTH + " characters");
        }
        return s + "0".repeat(WIDTH - s.length());
    }

    /** True when sequencer {@code a} happened after {@code b} (both raw, as S3 sent them). */
    public static boolean isNewer(String a, String b) {
        return normalize(a).compareTo(normalize(b)) > 0;
    }

    // a loop, not String.matches: this runs for every stored event and matches compiles a regex each call
    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }
}

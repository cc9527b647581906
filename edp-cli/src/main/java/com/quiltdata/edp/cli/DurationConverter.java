package com.quiltdata.edp.cli;

import com.quiltdata.edp.observe.Bounded;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as people write them: {@code 300} (seconds), {@code 90s}, {@code 5m}, {@code 2h}, {@code 1500ms}. */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return check(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))), value);
            }
            char unit = v.isEmpty() ? ' ' : v.charAt(v.length() - 1);
            String number = Character.isLetter(unit) ? v.substring(0, v.length() - 1) : v;
            long n = Long.parseLong(number);
            return check(switch (unit) {
                case 'h' -> Duration.ofHours(n);
                case 'm' -> Duration.ofMinutes(n);
                case 's' -> Duration.ofSeconds(n);
                default -> {
                    if (Character.isLetter(unit)) {
                        throw new NumberFormatException();
                    }
                    yield Duration.ofSeconds(n);
                }
            }, value);
        } catch (NumberFormatException e) {
            throw new TypeConversionException(Bounded.quoted(value) + " is not a duration; write seconds (300) or 90s, 5m, 2h");
        }
    }

    private static Duration check(Duration d, String value) {
        if (d.isNegative()) {
            throw new TypeConversionException(Bounded.quoted(value) + " is negative; durations are 0 or more");
        }
        return d;
    }

    /** 300 s → "5m", 90 s → "90s", 0 → "off" when zero means off. */
    public static String show(Duration d) {
        long s = d.toSeconds();
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        if (s != 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}

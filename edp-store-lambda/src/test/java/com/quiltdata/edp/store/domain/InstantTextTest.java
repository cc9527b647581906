package com.quiltdata.edp.store.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InstantTextTest {
    private static final long YEAR_1 = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    private static final long YEAR_9999_END = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    @Test
    void parsesWhatTheJdkParsesToTheSameInstantForEveryFractionLength() {
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(YEAR_1, YEAR_9999_END + 1), random.nextInt(1_000_000_000));
            String whole = t.toString().substring(0, 19);
            String nanos = String.format("%09d", t.getNano());
            int digits = random.nextInt(10); // 0 = no fraction
            String text = digits == 0 ? whole + "Z" : whole + "." + nanos.substring(0, digits) + "Z";
            assertEquals(Instant.parse(text), InstantText.parse(text), text);
        }
    }

    @Test
    void leavesEveryOtherShapeToTheJdkWithItsResultOrItsError() {
        List<String> shapes = List.of("2026-12-31T23:59:60Z", "2026-11-02T10:00:00.000Z", "2024-02-29T00:00:00Z", "0000-01-01T00:00:00Z",
                "+12026-11-02T10:00:00Z", "2026-11-02T10:00:00+01:00", "2026-11-02T10:00:00", "2026-11-02 10:00:00Z",
                "2026-11-02T10:00:00.Z", "2026-13-02T10:00:00Z", "2026-02-30T10:00:00Z", "2023-02-29T10:00:00Z", "2026-11-02T24:00:00Z",
                "2026-11-02T10:61:00Z", "2026-11-0xT10:00:00Z", "2026-11-02T10:00:00.1234567890Z", "2026-11-02T10:00:00.12a4Z",
                "２０２６-11-02T10:00:00Z", "");
        int refused = 0;
        for (String text : shapes) {
            Instant expected;
            try {
                expected = Instant.parse(text);
            } catch (DateTimeParseException e) {
                assertThrows(DateTimeParseException.class, () -> InstantText.parse(text), text);
                refused++;
                continue;
            }
            assertEquals(expected, InstantText.parse(text), text);
        }
        assertTrue(refused >= 10, "most of these shapes are not instants; the JDK refused only " + refused);
    }

    @Test
    void formatsAnInstantThatParsesBackToItselfInUtcWithoutTrailingZeros() {
        SplittableRandom random = new SplittableRandom(29);
        for (int i = 0; i < 20_000; i++) {
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(random.nextLong(YEAR_1, YEAR_9999_END + 1), nanos);
            String text = InstantText.format(t);
            assertEquals(t, Instant.parse(text), text);
            assertEquals(t.toString().substring(0, 19), text.substring(0, 19));
        }
        assertEquals("2026-11-02T10:00:00Z", InstantText.format(Instant.parse("2026-11-02T10:00:00Z")));
        assertEquals("2026-11-02T10:00:00.12Z", InstantText.format(Instant.parse("2026-11-02T10:00:00.120Z")));
        assertEquals("2026-11-02T10:00:00.000001Z", InstantText.format(Instant.parse("2026-11-02T10:00:00.000001Z")));
        Instant outside = Instant.parse("+10000-01-01T00:00:00Z");
        assertEquals(outside.toString(), InstantText.format(outside));
    }
}

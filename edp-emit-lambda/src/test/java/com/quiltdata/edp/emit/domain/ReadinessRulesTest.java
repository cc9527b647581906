package com.quiltdata.edp.emit.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReadinessRulesTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final ReadinessRules RULES = new ReadinessRules(20, Duration.ofSeconds(300), Duration.ofSeconds(3600), List.of("_SUCCESS"));

    private static OpenBatch batch(int objects, long openedSecondsAgo, long activeSecondsAgo, boolean sentinel) {
        Instant now = T0.plusSeconds(10_000);
        return new OpenBatch(UUID.randomUUID(), "b", "p/", objects, 0, 0, now.minusSeconds(openedSecondsAgo),
                now.minusSeconds(activeSecondsAgo), now.minusSeconds(openedSecondsAgo), now.minusSeconds(activeSecondsAgo), sentinel);
    }

    @ParameterizedTest(name = "objects={0} opened={1}s ago active={2}s ago sentinel={3} -> {4}")
    @CsvSource({
        // objects, opened ago, active ago, sentinel, trigger (NONE = not due)
        "19, 100,  10, false, NONE",
        "20, 100,  10, false, COUNT",
        "1,  400, 299, false, NONE",
        "1,  400, 300, false, QUIET",
        "1, 3599,  10, false, NONE",
        "1, 3600,  10, false, MAX_AGE",
        "1,   10,  10, true,  SENTINEL",
        "25, 400, 350, true,  SENTINEL",
        "25, 400, 350, false, COUNT",
        "1, 4000, 350, false, QUIET"})
    void shouldPickTheFirstRuleThatHolds(int objects, long openedAgo, long activeAgo, boolean sentinel, String expected) {
        OpenBatch b = batch(objects, openedAgo, activeAgo, sentinel);
        ReadinessRules.Conditions c = RULES.conditionsOf(b, T0.plusSeconds(10_000));
        Optional<Trigger> trigger = c.filtered().or(() -> c.maxAge() ? Optional.of(Trigger.MAX_AGE) : Optional.empty());
        assertEquals(expected, trigger.map(Enum::name).orElse("NONE"));
    }

    @Test
    void shouldTurnMaxAgeOffWithZero() {
        ReadinessRules off = new ReadinessRules(20, Duration.ofSeconds(300), Duration.ZERO, List.of());
        assertEquals(Optional.empty(), off.maxAgeCutoff(T0));
        assertEquals(false, off.conditionsOf(batch(1, 1_000_000, 10, false), T0.plusSeconds(10_000)).maxAge());
    }

    @Test
    void shouldIgnoreTheSentinelFlagWhenNoSentinelsAreConfigured() {
        ReadinessRules none = new ReadinessRules(20, Duration.ofSeconds(300), Duration.ZERO, List.of());
        assertEquals(false, none.conditionsOf(batch(1, 10, 10, true), T0.plusSeconds(10_000)).sentinel());
    }

    @Test
    void shouldMeasureReadinessFromTheRightInstant() {
        OpenBatch b = batch(1, 4000, 400, false);
        assertEquals(b.lastActivityAt().plusSeconds(300), RULES.readySince(b, Trigger.QUIET));
        assertEquals(b.openedAt().plusSeconds(3600), RULES.readySince(b, Trigger.MAX_AGE));
        assertEquals(b.lastActivityAt(), RULES.readySince(b, Trigger.COUNT));
    }

    @Test
    void shouldRejectImpossibleRules() {
        assertThrows(IllegalArgumentException.class, () -> new ReadinessRules(0, Duration.ZERO, Duration.ZERO, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ReadinessRules(1, Duration.ofSeconds(-1), Duration.ZERO, List.of()));
    }
}

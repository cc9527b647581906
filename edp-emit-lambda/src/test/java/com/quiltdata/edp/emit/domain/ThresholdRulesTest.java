package com.quiltdata.edp.emit.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdRulesTest {
    private static final ReadinessRules DEFAULTS = rules(20, 300);

    private static ReadinessRules rules(int count, long quietSeconds) {
        return new ReadinessRules(count, Duration.ofSeconds(quietSeconds), Duration.ZERO, List.of());
    }

    @Test
    void theLongestPrefixOfTheBatchsOwnBucketWins() {
        ThresholdRules t = new ThresholdRules(DEFAULTS, List.of(
                new ThresholdRules.Scope("a", "", rules(5, 300), 1),
                new ThresholdRules.Scope("a", "lab/", rules(6, 300), 2),
                new ThresholdRules.Scope("a", "lab/run-7/", rules(7, 300), 3),
                new ThresholdRules.Scope("b", "lab/", rules(8, 300), 4)));

        assertEquals(7, t.rulesFor("a", "lab/run-7/").countThreshold());
        assertEquals(6, t.rulesFor("a", "lab/run-8/").countThreshold());
        assertEquals(5, t.rulesFor("a", "other/x/").countThreshold());
        assertEquals(8, t.rulesFor("b", "lab/run-7/").countThreshold());
        assertEquals(20, t.rulesFor("b", "other/x/").countThreshold());
        assertEquals(20, t.rulesFor("c", "lab/run-7/").countThreshold());
    }

    @Test
    void scopesWithEqualRulesShareAGroupAndTheDefaultsAreGroupZero() {
        ThresholdRules t = new ThresholdRules(DEFAULTS, List.of(
                new ThresholdRules.Scope("a", "", rules(5, 60), 1),
                new ThresholdRules.Scope("b", "", rules(5, 60), 2),
                new ThresholdRules.Scope("a", "keep/", rules(20, 300), 3)));

        assertEquals(List.of(DEFAULTS, rules(5, 60)), t.groups());
        ThresholdRules.ScopeSelection one = t.selection(1);
        assertEquals(List.of("a", "b", "a"), one.buckets());
        assertEquals(List.of("", "", "keep/"), one.prefixes());
        assertEquals(List.of(1, 1, 0), one.groups(), "a scope that restates the defaults is in group 0, and still shadows a's rule");
        assertTrue(ThresholdRules.defaultsOnly(DEFAULTS).selection(0).selectsEverything());
    }
}

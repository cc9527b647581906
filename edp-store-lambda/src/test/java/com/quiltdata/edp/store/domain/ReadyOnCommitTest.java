package com.quiltdata.edp.store.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadyOnCommitTest {
    private final ReadyOnCommit rule = new ReadyOnCommit(20, List.of("_SUCCESS"));

    private static BatchGrowth growth(int before, int after, String... names) {
        return new BatchGrowth("b", "lab/run-1/", before, after, Set.of(names));
    }

    @Test
    void shouldSayReadyOnlyOnTheCommitThatCrossesTheCountThreshold() {
        assertFalse(rule.madeReady(growth(0, 19, "f19.csv")), "one short");
        assertTrue(rule.madeReady(growth(19, 20, "f20.csv")), "reached");
        assertTrue(rule.madeReady(growth(0, 500, "f.csv")), "crossed in one commit");
        assertFalse(rule.madeReady(growth(20, 21, "f21.csv")), "already over: the first crossing asked");
        assertFalse(rule.madeReady(growth(21, 19)), "deletes took it back under");
    }

    @Test
    void shouldSayReadyWhenTheCommitCreatedASentinelWhateverTheCount() {
        assertTrue(rule.madeReady(growth(3, 4, "_SUCCESS")));
        assertTrue(rule.madeReady(growth(30, 31, "_SUCCESS")), "a sentinel in a batch already over the count asks again");
        assertFalse(new ReadyOnCommit(20, List.of()).madeReady(growth(3, 4, "_SUCCESS")), "no sentinels configured");
    }

    @Test
    void shouldCountTheBatchesOneCommitMadeReady() {
        assertEquals(2, rule.countMadeReady(List.of(growth(19, 20), growth(1, 2), growth(1, 2, "_SUCCESS"))));
    }
}

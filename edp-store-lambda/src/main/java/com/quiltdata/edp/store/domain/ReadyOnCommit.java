package com.quiltdata.edp.store.domain;

import java.util.Collection;
import java.util.List;

/**
 * Whether a store commit made a batch ready by count or by sentinel, the two triggers an event
 * completes (ADR 0207). It only decides whether to ask the emit function for an immediate tick: the
 * tick re-checks everything (rules, ready filter) before it announces, so a yes here that the tick
 * does not confirm costs one tick, and a no costs at most the wait for the next scheduled tick.
 *
 * <p>Count: the commit moved the batch's created-object count from below the threshold to at or
 * above it (later commits to a batch already over it do not ask again). Sentinel: the commit
 * created an object named like one of the sentinels.
 */
public record ReadyOnCommit(int countThreshold, List<String> sentinels) {

    public ReadyOnCommit {
        if (countThreshold < 1) {
            throw new IllegalArgumentException("count threshold must be at least 1, got " + countThreshold);
        }
        sentinels = List.copyOf(sentinels);
    }

    public boolean madeReady(BatchGrowth growth) {
        boolean crossedCount = growth.objectCountBefore() < countThreshold && growth.objectCountAfter() >= countThreshold;
        return crossedCount || sentinels.stream().anyMatch(growth.createdFileNames()::contains);
    }

    /** How many of the batches a commit touched it made ready. */
    public int countMadeReady(Collection<BatchGrowth> grown) {
        return (int) grown.stream().filter(this::madeReady).count();
    }
}

package com.quiltdata.edp.store.domain;

import java.util.Set;

/**
 * What one store commit did to one prefix's open batch: its count of live created objects before
 * and after, and the file names of the objects it created there (where a sentinel would show).
 */
public record BatchGrowth(String bucket, String prefix, int objectCountBefore, int objectCountAfter, Set<String> createdFileNames) {
    public BatchGrowth {
        createdFileNames = Set.copyOf(createdFileNames);
    }
}

package com.quiltdata.edp.processor.domain;

import com.quiltdata.edp.observe.Bounded;
import java.util.Arrays;

/**
 * The folder the processor pulls for a batch: the batch prefix widened by PULL_PARENT_DIRS folder
 * levels towards the bucket root. It never widens past the first folder: the whole bucket is never
 * pulled because of one batch (the s3-event-bridge defect); {@code clamped} says when that applied.
 *
 * @param prefix  the pulled prefix, ending in {@code /}
 * @param clamped true when PULL_PARENT_DIRS asked for more levels than the batch prefix has
 */
public record PulledPrefix(String prefix, boolean clamped) {

    public static PulledPrefix of(String batchPrefix, int pullParentDirs) {
        if (!batchPrefix.endsWith("/") || batchPrefix.length() < 2) {
            throw new IllegalArgumentException("a batch prefix ends in '/', got " + Bounded.quoted(batchPrefix));
        }
        String[] folders = batchPrefix.substring(0, batchPrefix.length() - 1).split("/", -1);
        int keep = folders.length - pullParentDirs;
        boolean clamped = keep < 1;
        keep = Math.max(1, keep);
        return new PulledPrefix(String.join("/", Arrays.copyOf(folders, keep)) + "/", clamped);
    }
}

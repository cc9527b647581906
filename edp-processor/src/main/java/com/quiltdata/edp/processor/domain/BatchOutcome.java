package com.quiltdata.edp.processor.domain;

import java.time.Duration;

/**
 * What happened to a batch that did not fail.
 *
 * @param kind          RAN (the command ran and exited 0) or HELD (the execution filter said no)
 * @param pulledPrefix  the folder pulled and written back to
 * @param clamped       PULL_PARENT_DIRS asked for more levels than the batch prefix has
 * @param listed        objects listed under the pulled prefix
 * @param downloaded    objects downloaded (selected by MATCH_KEYS)
 * @param skipped       selected keys that cannot be local files (folder markers, {@code ..} segments)
 * @param uploaded      files written to the target bucket (new or changed)
 * @param unchanged     files left alone because the target already holds the same SHA-256
 * @param reason        why it was held; empty when it ran
 */
public record BatchOutcome(Kind kind, String pulledPrefix, boolean clamped, int listed, int downloaded, long bytesDownloaded,
                           int skipped, int uploaded, long bytesUploaded, int unchanged, Duration commandTime, String reason) {
    public enum Kind { RAN, HELD }

    public static BatchOutcome held(PulledPrefix pulled, int listed, String reason) {
        return new BatchOutcome(Kind.HELD, pulled.prefix(), pulled.clamped(), listed, 0, 0, 0, 0, 0, 0, Duration.ZERO, reason);
    }
}

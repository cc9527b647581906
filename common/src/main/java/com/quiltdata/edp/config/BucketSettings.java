package com.quiltdata.edp.config;

import com.quiltdata.edp.domain.PrefixRule;
import com.quiltdata.edp.observe.Bounded;
import java.util.List;

/** The monitored bucket(s) and how their keys group into prefixes. */
public record BucketSettings(List<String> bucketNames, PrefixRule prefixRule) {

    public static BucketSettings from(Env env) {
        List<String> buckets = env.list("BUCKET_NAMES");
        if (buckets.isEmpty()) {
            env.problem("BUCKET_NAMES is required (comma-separated bucket names)");
        }
        for (String bucket : buckets) {
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                env.problem("BUCKET_NAMES contains " + Bounded.quoted(bucket) + ", which is not a valid S3 bucket name");
            }
        }
        return new BucketSettings(buckets, prefixRule(env));
    }

    /** BUCKET_PREFIX_DEPTH and BUCKET_IGNORE_PREFIXES alone (the CLI's backfill reads them too). */
    public static PrefixRule prefixRule(Env env) {
        int depth = env.integer("BUCKET_PREFIX_DEPTH", 2, 1, 100);
        List<String> ignores = env.list("BUCKET_IGNORE_PREFIXES");
        try {
            return new PrefixRule(depth, ignores);
        } catch (IllegalArgumentException e) {
            env.problem("BUCKET_IGNORE_PREFIXES: " + e.getMessage());
            return new PrefixRule(depth, List.of());
        }
    }

    public boolean monitors(String bucket) {
        return bucketNames.contains(bucket);
    }
}

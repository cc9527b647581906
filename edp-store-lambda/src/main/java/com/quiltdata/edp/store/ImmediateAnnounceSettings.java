package com.quiltdata.edp.store;

import com.quiltdata.edp.config.AwsSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.store.domain.ReadyOnCommit;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Whether and how the store asks for an immediate emit tick (ADR 0207): {@code EMIT_FUNCTION_ARN}
 * (the emit function's {@code live} alias; absent: no request, the scheduled tick announces), and
 * the two rules an event can complete, read from the same variables as the emit function's
 * ({@code BUCKET_THRESHOLD_EVENT_COUNT}, {@code BUCKET_READY_SENTINELS}) so both agree.
 */
public record ImmediateAnnounceSettings(Optional<String> emitFunctionArn, ReadyOnCommit rule, String region, Optional<URI> endpoint) {

    /** Reads the settings; problems are added to {@code env} (the caller validates). */
    public static ImmediateAnnounceSettings from(Env env) {
        Optional<String> arn = env.optional("EMIT_FUNCTION_ARN");
        if (arn.isPresent() && !arn.get().matches("arn:aws[a-z-]*:lambda:[^:]+:\\d{12}:function:[^:]+(:[^:]+)?")) {
            env.problem("EMIT_FUNCTION_ARN must be a Lambda function or alias ARN, got " + Bounded.quoted(arn.get()));
        }
        int count = env.integer("BUCKET_THRESHOLD_EVENT_COUNT", 20, 1, Integer.MAX_VALUE);
        List<String> sentinels = env.list("BUCKET_READY_SENTINELS");
        for (String sentinel : sentinels) {
            if (sentinel.contains("/")) {
                env.problem("BUCKET_READY_SENTINELS entries are file names without '/', got " + Bounded.quoted(sentinel));
            }
        }
        AwsSettings aws = AwsSettings.from(env, "LAMBDA");
        return new ImmediateAnnounceSettings(arn, new ReadyOnCommit(Math.max(1, count), sentinels), aws.region(),
                aws.endpointFor("LAMBDA"));
    }
}

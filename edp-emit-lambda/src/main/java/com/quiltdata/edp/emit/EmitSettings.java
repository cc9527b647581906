package com.quiltdata.edp.emit;

import com.quiltdata.edp.config.AwsSettings;
import com.quiltdata.edp.config.DatabaseSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.domain.S3Url;
import com.quiltdata.edp.emit.domain.ReadinessRules;
import com.quiltdata.edp.emit.jq.JqReadyFilter;
import com.quiltdata.edp.observe.Bounded;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The emit function's settings, read once from the environment (docs/configuration.md). */
public record EmitSettings(
        DatabaseSettings database,
        ReadinessRules rules,
        Optional<JqReadyFilter> readyFilter,
        String eventBusName,
        Optional<String> fileGatewayShareArn,
        String region,
        Optional<URI> endpoint,
        Duration tickPeriod,
        Optional<RulesFileLocation> rulesFile) {

    /** Ticks every {@code EMIT_TICK_SECONDS} within each scheduled minute. */
    public static final int DEFAULT_TICK_SECONDS = 10;

    /** The default tick period (callers that run single ticks: the operator's flush, {@code edp local}). */
    public EmitSettings(DatabaseSettings database, ReadinessRules rules, Optional<JqReadyFilter> readyFilter,
            String eventBusName, Optional<String> fileGatewayShareArn, String region, Optional<URI> endpoint) {
        this(database, rules, readyFilter, eventBusName, fileGatewayShareArn, region, endpoint,
                Duration.ofSeconds(DEFAULT_TICK_SECONDS));
    }

    /** Without a rules file: the stack's thresholds apply to every batch. */
    public EmitSettings(DatabaseSettings database, ReadinessRules rules, Optional<JqReadyFilter> readyFilter,
            String eventBusName, Optional<String> fileGatewayShareArn, String region, Optional<URI> endpoint, Duration tickPeriod) {
        this(database, rules, readyFilter, eventBusName, fileGatewayShareArn, region, endpoint, tickPeriod, Optional.empty());
    }

    /** Reads every setting and throws one ConfigurationException naming all problems. */
    public static EmitSettings from(Env env) {
        DatabaseSettings database = DatabaseSettings.from(env);
        ReadinessRules rules = readinessRules(env);
        Optional<JqReadyFilter> filter = Optional.empty();
        Optional<String> expression = env.optional("BUCKET_READY_FILTER");
        if (expression.isPresent()) {
            try {
                filter = Optional.of(JqReadyFilter.compile(expression.get()));
            } catch (IllegalArgumentException e) {
                env.problem("BUCKET_READY_FILTER is " + e.getMessage());
            }
        }
        String bus = env.required("EVENT_BUS_NAME");
        Optional<String> share = env.optional("FILE_GATEWAY_SHARE_ARN");
        if (share.isPresent() && !share.get().matches("arn:aws[a-z-]*:storagegateway:.+:share/.+")) {
            env.problem("FILE_GATEWAY_SHARE_ARN must be a Storage Gateway file share ARN, got " + Bounded.quoted(share.get()));
        }
        AwsSettings aws = AwsSettings.from(env);
        String region = aws.region();
        Optional<URI> endpoint = aws.endpoint();
        // 60 is one tick a minute, the schedule's own rate; below 1 s the open-set query would run back to back
        Duration tickPeriod = Duration.ofSeconds(env.integer("EMIT_TICK_SECONDS", DEFAULT_TICK_SECONDS, 1, 60));
        Optional<RulesFileLocation> rulesFile = Optional.empty();
        Optional<String> rulesUri = env.optional("BUCKET_RULES_URI");
        if (rulesUri.isPresent()) {
            rulesFile = RulesFileLocation.parse(rulesUri.get());
            if (rulesFile.isEmpty()) {
                env.problem("BUCKET_RULES_URI must be s3://<bucket>/<key> of the rules file, got " + Bounded.quoted(rulesUri.get()));
            }
        }
        env.validate();
        return new EmitSettings(database, rules, filter, bus, share, region, endpoint, tickPeriod, rulesFile);
    }

    /** The thresholds alone (the CLI's status reads them too); problems are added to {@code env}. */
    public static ReadinessRules readinessRules(Env env) {
        int count = env.integer("BUCKET_THRESHOLD_EVENT_COUNT", 20, 1, Integer.MAX_VALUE);
        Duration quiet = env.seconds("BUCKET_THRESHOLD_DURATION", 300, 0);
        Duration maxAge = env.seconds("BUCKET_THRESHOLD_MAX_AGE", 0, 0);
        List<String> sentinels = env.list("BUCKET_READY_SENTINELS");
        for (String sentinel : sentinels) {
            if (sentinel.contains("/")) {
                env.problem("BUCKET_READY_SENTINELS entries are file names without '/', got " + Bounded.quoted(sentinel));
            }
        }
        return new ReadinessRules(count, quiet, maxAge, sentinels);
    }

    /** Where the rules file is (ADR 0313). */
    public record RulesFileLocation(String bucket, String key) {
        private static final String BUCKET = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]";

        /** An {@code s3://bucket/key} naming an object (read through common's {@link S3Url}); empty for anything else. */
        public static Optional<RulesFileLocation> parse(String uri) {
            S3Url url;
            try {
                url = S3Url.split(uri);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            boolean object = url.bucket().matches(BUCKET) && !url.decodedPath().isEmpty() && !url.decodedPath().endsWith("/")
                    && url.parameters().isEmpty() && !uri.contains("#");
            return object ? Optional.of(new RulesFileLocation(url.bucket(), url.decodedPath())) : Optional.empty();
        }

        @Override
        public String toString() {
            return "s3://" + bucket + "/" + key;
        }
    }
}

package com.quiltdata.edp.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.processor.domain.MatchKeys;
import com.quiltdata.edp.processor.domain.ProcessBatch;
import com.quiltdata.edp.processor.jq.JqExecutionFilter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The processor's environment, read once; every problem is reported together.
 *
 * @param command          the program and its arguments (COMMAND, or the command line's {@code -- argv})
 * @param executionFilter  the compiled EXECUTION_FILTER, when set
 * @param queueUrl         SQS_QUEUE_URL, for the poll loop (the Lambda is given its messages)
 * @param visibilityTimeout how long a received message stays hidden while the poll loop works on it
 */
public record ProcessorSettings(
        List<String> command,
        Duration commandTimeout,
        int pullParentDirs,
        MatchKeys matchKeys,
        Optional<JqExecutionFilter> executionFilter,
        Optional<String> targetBucket,
        ProcessBatch.VariableNames variableNames,
        int downloadConcurrency,
        Path workDir,
        Optional<String> topicArn,
        Optional<String> queueUrl,
        int maxMessages,
        int waitSeconds,
        Duration visibilityTimeout,
        String region,
        Endpoints endpoints) {

    /**
     * Endpoint overrides for local emulators: {@code AWS_ENDPOINT_URL_S3}, {@code _SQS}, {@code _SNS}
     * (the AWS SDKs' own names), each falling back to {@code AWS_ENDPOINT_URL}; empty means AWS.
     */
    public record Endpoints(Optional<URI> s3, Optional<URI> sqs, Optional<URI> sns) {}

    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /**
     * @param env             the environment
     * @param commandOverride the command given on the command line, which wins over COMMAND
     * @param defaultWorkDir  where batch folders go unless WORK_DIR says otherwise (the JVM's temp folder)
     */
    public static ProcessorSettings from(Env env, List<String> commandOverride, Path defaultWorkDir) {
        List<String> command = commandOverride.isEmpty() ? command(env) : List.copyOf(commandOverride);
        Duration timeout = env.seconds("COMMAND_TIMEOUT", 300, 1);
        int pull = env.integer("PULL_PARENT_DIRS", 0, 0, 100);
        MatchKeys matchKeys = MatchKeys.all();
        Optional<String> match = env.optional("MATCH_KEYS");
        if (match.isPresent()) {
            try {
                matchKeys = MatchKeys.parse(match.get());
            } catch (IllegalArgumentException e) {
                env.problem("MATCH_KEYS: " + e.getMessage());
            }
        }
        Optional<JqExecutionFilter> filter = Optional.empty();
        Optional<String> expression = env.optional("EXECUTION_FILTER");
        if (expression.isPresent()) {
            try {
                filter = Optional.of(JqExecutionFilter.compile(expression.get()));
            } catch (IllegalArgumentException e) {
                env.problem("EXECUTION_FILTER is " + e.getMessage());
            }
        }
        Optional<String> target = env.optional("TARGET_BUCKET");
        if (target.isPresent() && !BUCKET.matcher(target.get()).matches()) {
            env.problem("TARGET_BUCKET is not a bucket name: '" + target.get() + "'");
        }
        ProcessBatch.VariableNames names = new ProcessBatch.VariableNames(
                variableName(env, "ROOT_FOLDER_VAR", "ROOT_FOLDER"),
                variableName(env, "BUCKET_VAR", "BUCKET"),
                variableName(env, "KEY_PREFIX_VAR", "KEY_PREFIX"));
        if (new HashSet<>(List.of(names.rootFolder(), names.bucket(), names.keyPrefix())).size() < 3) {
            env.problem("ROOT_FOLDER_VAR, BUCKET_VAR and KEY_PREFIX_VAR must name three different variables, got "
                    + names.rootFolder() + ", " + names.bucket() + ", " + names.keyPrefix());
        }
        int concurrency = env.integer("DOWNLOAD_CONCURRENCY", 8, 1, 64);
        Path workDir = env.optional("WORK_DIR").map(Path::of).orElse(defaultWorkDir);
        Optional<String> topic = env.optional("TOPIC_ARN");
        if (topic.isPresent() && !topic.get().startsWith("arn:")) {
            env.problem("TOPIC_ARN must be an SNS topic ARN, got '" + topic.get() + "'");
        }
        Optional<String> queue = env.optional("SQS_QUEUE_URL");
        int maxMessages = env.integer("SQS_MAX_MESSAGES", 1, 1, 10);
        int wait = env.integer("SQS_WAIT_SECONDS", 20, 0, 20);
        // long enough for download, the command and upload; SQS allows at most 12 hours
        Duration visibility = env.seconds("SQS_VISIBILITY_TIMEOUT", Math.min(43_200, timeout.toSeconds() + 120), 1);
        if (visibility.toSeconds() > 43_200) {
            env.problem("SQS_VISIBILITY_TIMEOUT must be at most 43200 seconds, got " + visibility.toSeconds());
        }
        String region = env.string("AWS_REGION", "us-east-1");
        Optional<URI> common = endpoint(env, "AWS_ENDPOINT_URL", Optional.empty());
        Endpoints endpoints = new Endpoints(endpoint(env, "AWS_ENDPOINT_URL_S3", common),
                endpoint(env, "AWS_ENDPOINT_URL_SQS", common), endpoint(env, "AWS_ENDPOINT_URL_SNS", common));
        env.validate();
        return new ProcessorSettings(command, timeout, pull, matchKeys, filter, target, names, concurrency, workDir,
                topic, queue, maxMessages, wait, visibility, region, endpoints);
    }

    /** COMMAND: a JSON array of strings (exact argv), or words separated by whitespace (no quoting, no shell). */
    static List<String> command(Env env) {
        String text = env.required("COMMAND");
        if (text.isEmpty()) {
            return List.of();
        }
        if (!text.startsWith("[")) {
            return Arrays.asList(text.trim().split("\\s+"));
        }
        try {
            JsonNode array = Json.parse(text);
            List<String> argv = new ArrayList<>();
            for (JsonNode item : array) {
                if (!item.isTextual()) {
                    throw new IllegalArgumentException("every element must be a string");
                }
                argv.add(item.asText());
            }
            if (!array.isArray() || argv.isEmpty() || argv.get(0).isBlank()) {
                throw new IllegalArgumentException("it must name a program");
            }
            return argv;
        } catch (IllegalArgumentException e) {
            env.problem("COMMAND is not a JSON array of strings: " + e.getMessage());
            return List.of();
        }
    }

    private static Optional<URI> endpoint(Env env, String name, Optional<URI> fallback) {
        Optional<String> url = env.optional(name);
        if (url.isEmpty()) {
            return fallback;
        }
        try {
            URI uri = URI.create(url.get());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return Optional.of(uri);
        } catch (IllegalArgumentException e) {
            env.problem(name + " is not a URL: '" + url.get() + "'");
            return fallback;
        }
    }

    private static String variableName(Env env, String name, String defaultValue) {
        String value = env.string(name, defaultValue);
        if (!VARIABLE.matcher(value).matches()) {
            env.problem(name + " must be an environment variable name, got '" + value + "'");
            return defaultValue;
        }
        return value;
    }

    ProcessBatch.Options options() {
        return new ProcessBatch.Options(pullParentDirs, matchKeys, command, commandTimeout, targetBucket, variableNames, workDir);
    }
}

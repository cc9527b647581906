package com.quiltdata.edp.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.config.AwsSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.processor.domain.MatchKeys;
import com.quiltdata.edp.processor.domain.TriggerKey;
import com.quiltdata.edp.processor.jq.JqExecutionFilter;
import com.quiltdata.edp.processor.port.ExecutionFilter;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The processor's environment, read once; every problem is reported together. The variable names of
 * s3-event-bridge are accepted beside ours, with that project's meaning: {@code HANDLER_COMMAND} (a
 * shell expression) for COMMAND, {@code PULL_MATCH_KEYS} for MATCH_KEYS, {@code EXECUTION_FILTER_EXPR}
 * or {@code EXECUTION_FILTER_FILE} for EXECUTION_FILTER, and {@code MATCH_KEY}; setting both names of
 * one setting to different values is an error.
 *
 * @param command          the program and its arguments (COMMAND, or the command line's {@code -- argv})
 * @param executionFilter  the compiled EXECUTION_FILTER, when set
 * @param triggerKey       MATCH_KEY: a batch runs only when a listed key matches it
 * @param queueUrl         SQS_QUEUE_URL, for the poll loop (the Lambda is given its messages)
 * @param visibilityTimeout how long a received message stays hidden while the poll loop works on it
 */
public record ProcessorSettings(
        List<String> command,
        Duration commandTimeout,
        int pullParentDirs,
        MatchKeys matchKeys,
        Optional<JqExecutionFilter> executionFilter,
        Optional<TriggerKey> triggerKey,
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
        Optional<String> match = either(env, "MATCH_KEYS", "PULL_MATCH_KEYS");
        if (match.isPresent()) {
            try {
                matchKeys = MatchKeys.parse(match.get());
            } catch (IllegalArgumentException e) {
                env.problem("MATCH_KEYS: " + e.getMessage());
            }
        }
        Optional<TriggerKey> triggerKey = Optional.empty();
        Optional<String> trigger = env.optional("MATCH_KEY");
        if (trigger.isPresent()) {
            try {
                triggerKey = Optional.of(TriggerKey.parse(trigger.get()));
            } catch (IllegalArgumentException e) {
                env.problem("MATCH_KEY: " + e.getMessage());
            }
        }
        Optional<JqExecutionFilter> filter = executionFilter(env);
        Optional<String> target = env.optional("TARGET_BUCKET");
        if (target.isPresent() && !BUCKET.matcher(target.get()).matches()) {
            env.problem("TARGET_BUCKET is not a bucket name: " + Bounded.quoted(target.get()));
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
            env.problem("TOPIC_ARN must be an SNS topic ARN, got " + Bounded.quoted(topic.get()));
        }
        Optional<String> queue = env.optional("SQS_QUEUE_URL");
        int maxMessages = env.integer("SQS_MAX_MESSAGES", 1, 1, 10);
        int wait = env.integer("SQS_WAIT_SECONDS", 20, 0, 20);
        // long enough for download, the command and upload; SQS allows at most 12 hours
        Duration visibility = env.seconds("SQS_VISIBILITY_TIMEOUT", Math.min(43_200, timeout.toSeconds() + 120), 1);
        if (visibility.toSeconds() > 43_200) {
            env.problem("SQS_VISIBILITY_TIMEOUT must be at most 43200 seconds, got " + visibility.toSeconds());
        }
        AwsSettings aws = AwsSettings.from(env, "S3", "SQS", "SNS");
        String region = aws.region();
        Endpoints endpoints = new Endpoints(aws.endpointFor("S3"), aws.endpointFor("SQS"), aws.endpointFor("SNS"));
        env.validate();
        return new ProcessorSettings(command, timeout, pull, matchKeys, filter, triggerKey, target, names, concurrency, workDir,
                topic, queue, maxMessages, wait, visibility, region, endpoints);
    }

    /**
     * EXECUTION_FILTER, or s3-event-bridge's EXECUTION_FILTER_EXPR or EXECUTION_FILTER_FILE (a UTF-8 file
     * holding the expression; only one of the two). EXECUTION_FILTER_INPUT picks the shape of the
     * listing: {@code edp}, or {@code s3} (S3's Object names, the default for s3-event-bridge's variables,
     * so that filters written for it run unchanged).
     */
    private static Optional<JqExecutionFilter> executionFilter(Env env) {
        Optional<String> expr = env.optional("EXECUTION_FILTER_EXPR");
        Optional<String> file = env.optional("EXECUTION_FILTER_FILE");
        if (expr.isPresent() && file.isPresent()) {
            env.problem("EXECUTION_FILTER_EXPR and EXECUTION_FILTER_FILE are both set; set only one of them");
            return Optional.empty();
        }
        Optional<String> theirs = expr;
        if (file.isPresent()) {
            try {
                theirs = Optional.of(Files.readString(Path.of(file.get()), StandardCharsets.UTF_8));
            } catch (IOException | InvalidPathException e) {
                env.problem("EXECUTION_FILTER_FILE '" + file.get() + "' cannot be read: " + e.getMessage());
                return Optional.empty();
            }
        }
        Optional<String> ours = env.optional("EXECUTION_FILTER");
        String theirName = file.isPresent() ? "EXECUTION_FILTER_FILE" : "EXECUTION_FILTER_EXPR";
        if (ours.isPresent() && theirs.isPresent() && !ours.get().strip().equals(theirs.get().strip())) {
            env.problem("EXECUTION_FILTER and " + theirName + " are both set, to different expressions; set only one of them");
            return Optional.empty();
        }
        Optional<String> expression = ours.isPresent() ? ours : theirs;
        JqExecutionFilter.InputShape defaultShape = ours.isEmpty() && theirs.isPresent()
                ? JqExecutionFilter.InputShape.S3_OBJECTS : JqExecutionFilter.InputShape.EDP;
        String shapeName = env.string("EXECUTION_FILTER_INPUT", defaultShape == JqExecutionFilter.InputShape.EDP ? "edp" : "s3");
        JqExecutionFilter.InputShape shape = switch (shapeName) {
            case "edp" -> JqExecutionFilter.InputShape.EDP;
            case "s3" -> JqExecutionFilter.InputShape.S3_OBJECTS;
            default -> {
                env.problem("EXECUTION_FILTER_INPUT must be edp or s3, got " + Bounded.quoted(shapeName));
                yield defaultShape;
            }
        };
        if (expression.isEmpty() || expression.get().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JqExecutionFilter.compile(expression.get(), shape));
        } catch (IllegalArgumentException e) {
            env.problem((ours.isPresent() ? "EXECUTION_FILTER" : theirName) + " is " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Our name or s3-event-bridge's for the same setting; both set to different values is a problem. */
    private static Optional<String> either(Env env, String ours, String theirs) {
        Optional<String> a = env.optional(ours);
        Optional<String> b = env.optional(theirs);
        if (a.isPresent() && b.isPresent() && !a.get().equals(b.get())) {
            env.problem(ours + " and " + theirs + " are both set, to different values; set only one of them");
        }
        return a.isPresent() ? a : b;
    }

    /**
     * COMMAND: a JSON array of strings (exact argv), or words separated by whitespace (no quoting, no
     * shell). s3-event-bridge's HANDLER_COMMAND is a shell expression, run as {@code sh -c}.
     */
    static List<String> command(Env env) {
        Optional<String> handlerCommand = env.optional("HANDLER_COMMAND");
        Optional<String> ours = env.optional("COMMAND");
        if (handlerCommand.isPresent() && ours.isPresent() && !handlerCommand.get().equals(ours.get())) {
            env.problem("COMMAND and HANDLER_COMMAND are both set, to different values; set only one of them");
            return List.of();
        }
        if (handlerCommand.isPresent() && ours.isEmpty()) {
            return List.of("sh", "-c", handlerCommand.get());
        }
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

    private static String variableName(Env env, String name, String defaultValue) {
        String value = env.string(name, defaultValue);
        if (!VARIABLE.matcher(value).matches()) {
            env.problem(name + " must be an environment variable name, got " + Bounded.quoted(value));
            return defaultValue;
        }
        return value;
    }

    /** MATCH_KEY and the execution filter together: a batch runs when both say so. */
    Optional<ExecutionFilter> filter() {
        List<ExecutionFilter> filters = new ArrayList<>();
        triggerKey.ifPresent(filters::add);
        executionFilter.ifPresent(filters::add);
        return filters.isEmpty() ? Optional.empty()
                : Optional.of(filters.size() == 1 ? filters.get(0) : ExecutionFilter.allOf(filters));
    }

    ProcessBatch.Options options() {
        return new ProcessBatch.Options(pullParentDirs, matchKeys, command, commandTimeout, targetBucket, variableNames, workDir);
    }
}

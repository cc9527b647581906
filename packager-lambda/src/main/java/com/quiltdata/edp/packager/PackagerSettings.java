package com.quiltdata.edp.packager;

import com.quiltdata.edp.config.AwsSettings;
import com.quiltdata.edp.config.DatabaseSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.packager.domain.HashType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.packager.domain.AutomaticPackages;
import com.quiltdata.edp.packager.domain.PackageDefaults;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The packager's environment, read once at cold start; every problem is reported together.
 *
 * @param manifestChecksum the hash type new manifests get ({@code MANIFEST_CHECKSUM})
 * @param queueUrl         the packager's own queue ({@code PACKAGER_QUEUE_URL}): a package that runs out of time
 *                         goes on from a checkpoint in a message sent there; empty: it never stops early (ADR 0114)
 * @param checkpointMargin how long before the invocation's end a package stops hashing and writes its
 *                         checkpoint ({@code CHECKPOINT_MARGIN_SECONDS})
 */
public record PackagerSettings(
        DatabaseSettings database,
        String topicArn,
        Optional<String> catalogUrl,
        Duration packageReadyDelay,
        String region,
        Optional<URI> endpoint,
        HashType manifestChecksum,
        AutomaticPackages automaticPackages,
        Optional<String> queueUrl,
        Duration checkpointMargin) {
    /** Time to finish the objects in flight, write the part and send the message, or to write a million-entry manifest. */
    public static final long DEFAULT_CHECKPOINT_MARGIN_SECONDS = 60;

    public static PackagerSettings from(Env env) {
        DatabaseSettings database = DatabaseSettings.from(env);
        String topic = env.required("TOPIC_ARN");
        if (!topic.isEmpty() && !topic.startsWith("arn:")) {
            env.problem("TOPIC_ARN must be an SNS topic ARN, got " + Bounded.quoted(topic));
        }
        Optional<String> catalogUrl = env.optional("QUILT_CATALOG_URL");
        if (catalogUrl.isPresent() && !catalogUrl.get().matches("https?://[^\\s/]+(/\\S*)?")) {
            env.problem("QUILT_CATALOG_URL must be the catalog's URL, such as https://quilt.example.com, got " + Bounded.quoted(catalogUrl.get()));
        }
        Duration delay = env.seconds("PACKAGE_READY_DELAY", 0, 0);
        Optional<String> registry = env.optional("PACKAGE_REGISTRY");
        if (registry.isPresent() && !registry.get().matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            env.problem("PACKAGE_REGISTRY must be a bucket name (the registry of automatic packages), got '" + registry.get() + "'");
        }
        AwsSettings aws = AwsSettings.from(env);
        String region = aws.region();
        Optional<URI> endpoint = aws.endpoint();
        HashType checksum = HashType.SHA2_256_CHUNKED;
        String checksumName = env.string("MANIFEST_CHECKSUM", HashType.SHA2_256_CHUNKED.manifestName());
        try {
            checksum = HashType.parse(checksumName);
        } catch (IllegalArgumentException e) {
            env.problem("MANIFEST_CHECKSUM must be one of " + HashType.names() + ", got " + Bounded.quoted(checksumName));
        }
        AutomaticPackages automatic = automaticPackages(env, registry);
        Optional<String> queueUrl = env.optional("PACKAGER_QUEUE_URL");
        if (queueUrl.isPresent() && !queueUrl.get().matches("https?://\\S+/\\d{12}/[A-Za-z0-9_-]{1,80}")) {
            env.problem("PACKAGER_QUEUE_URL must be the packager queue's URL (https://sqs.<region>.amazonaws.com/<account>/<name>), got "
                    + Bounded.quoted(queueUrl.get()));
        }
        Duration margin = env.seconds("CHECKPOINT_MARGIN_SECONDS", DEFAULT_CHECKPOINT_MARGIN_SECONDS, 10);
        env.validate();
        return new PackagerSettings(database, topic, catalogUrl, delay, region, endpoint, checksum, automatic, queueUrl, margin);
    }

    /** What packages made from package-objects-ready get by default (docs/adr/0109). */
    private static AutomaticPackages automaticPackages(Env env, Optional<String> registry) {
        String message = env.string("AUTOMATIC_PACKAGE_MESSAGE", AutomaticPackages.DEFAULT_MESSAGE);
        Optional<String> workflow = env.optional("AUTOMATIC_PACKAGE_WORKFLOW");
        Optional<ObjectNode> metadata = Optional.empty();
        Optional<String> metadataText = env.optional("AUTOMATIC_PACKAGE_METADATA");
        if (metadataText.isPresent()) {
            try {
                JsonNode parsed = Json.parse(metadataText.get());
                if (parsed.isObject()) {
                    metadata = Optional.of((ObjectNode) parsed);
                } else {
                    env.problem("AUTOMATIC_PACKAGE_METADATA must be a JSON object, got " + Bounded.quoted(metadataText.get()));
                }
            } catch (IllegalArgumentException e) {
                env.problem("AUTOMATIC_PACKAGE_METADATA is not JSON: " + e.getMessage());
            }
        }
        Map<String, PhysicalKey> files = new LinkedHashMap<>();
        defaultFile(env, "AUTOMATIC_PACKAGE_README").ifPresent(key -> files.put(PackageDefaults.README, key));
        defaultFile(env, "AUTOMATIC_PACKAGE_QUILTIGNORE").ifPresent(key -> files.put(PackageDefaults.QUILT_IGNORE, key));
        return new AutomaticPackages(registry, Optional.of(message), workflow, new PackageDefaults(metadata, files));
    }

    /** An s3:// URL naming one object; its latest version is pinned in each package. */
    private static Optional<PhysicalKey> defaultFile(Env env, String name) {
        Optional<String> url = env.optional(name);
        if (url.isEmpty()) {
            return Optional.empty();
        }
        try {
            PhysicalKey key = PhysicalKey.parse(url.get());
            if (!url.get().startsWith("s3://") || key.key().isEmpty() || key.key().endsWith("/") || key.versionId().isPresent()) {
                env.problem(name + " must name one S3 object as s3://bucket/key, without ?versionId (each package pins the"
                        + " latest version), got " + Bounded.quoted(url.get()));
                return Optional.empty();
            }
            return Optional.of(key);
        } catch (IllegalArgumentException e) {
            env.problem(name + ": " + e.getMessage());
            return Optional.empty();
        }
    }
}

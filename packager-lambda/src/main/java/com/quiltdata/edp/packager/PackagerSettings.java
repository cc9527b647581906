package com.quiltdata.edp.packager;

import com.quiltdata.edp.config.AwsSettings;
import com.quiltdata.edp.config.DatabaseSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.packager.domain.HashType;
import com.quiltdata.edp.packager.domain.AutomaticPackages;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The packager's environment, read once at cold start; every problem is reported together.
 *
 * @param manifestChecksum the hash type new manifests get ({@code MANIFEST_CHECKSUM})
 */
public record PackagerSettings(
        DatabaseSettings database,
        String topicArn,
        Optional<String> catalogUrl,
        Duration packageReadyDelay,
        String region,
        Optional<URI> endpoint,
        HashType manifestChecksum,
        AutomaticPackages automaticPackages) {

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
        env.validate();
        return new PackagerSettings(database, topic, catalogUrl, delay, region, endpoint, checksum, new AutomaticPackages(registry));
    }
}

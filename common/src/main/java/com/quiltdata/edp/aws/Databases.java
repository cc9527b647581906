package com.quiltdata.edp.aws;

import com.quiltdata.edp.config.DatabaseSettings;
import com.quiltdata.edp.postgres.Database;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Builds the {@link Database} a Lambda uses from its settings. */
public final class Databases {
    private Databases() {}

    public static Database connect(DatabaseSettings settings, String region) {
        return new Database(settings.jdbcUrl(), settings.user(), password(settings, region));
    }

    /** The plain password for local use, or the Secrets Manager secret, fetched on first use. */
    public static Supplier<String> password(DatabaseSettings settings, String region) {
        if (settings.password().isPresent()) {
            String plain = settings.password().get();
            return () -> plain;
        }
        SecretsManagerClient secrets = AwsClients.configure(
                        SecretsManagerClient.builder().httpClient(AwsClients.httpClient()), region, Optional.empty())
                .build();
        return new SecretPassword(secrets, settings.secretArn().orElseThrow());
    }
}

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
        Supplier<String> password;
        if (settings.password().isPresent()) {
            String plain = settings.password().get();
            password = () -> plain;
        } else {
            SecretsManagerClient secrets = AwsClients.configure(
                            SecretsManagerClient.builder().httpClient(AwsClients.httpClient()), region, Optional.empty())
                    .build();
            password = new SecretPassword(secrets, settings.secretArn().orElseThrow());
        }
        return new Database(settings.jdbcUrl(), settings.user(), password);
    }
}

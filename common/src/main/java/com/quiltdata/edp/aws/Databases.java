package com.quiltdata.edp.aws;

import com.quiltdata.edp.config.DatabaseSettings;
import com.quiltdata.edp.postgres.ConnectionOptions;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.postgres.PasswordSource;
import java.util.Optional;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Builds the {@link Database} of a process from its settings. */
public final class Databases {
    private Databases() {}

    /** A pool of one connection: a Lambda handles one invocation at a time. */
    public static Database connect(DatabaseSettings settings, String region) {
        return connect(settings, region, 1);
    }

    /** A pool of {@code poolSize} connections, for a process that runs several workers. */
    public static Database connect(DatabaseSettings settings, String region, int poolSize) {
        return new Database(settings.jdbcUrl(), settings.user(), password(settings, region), options(settings, poolSize));
    }

    public static ConnectionOptions options(DatabaseSettings settings, int poolSize) {
        return new ConnectionOptions(settings.connectTimeout(), settings.socketTimeout(), poolSize);
    }

    /** The plain password for local use, or the Secrets Manager secret, read on first use and again after a refused login. */
    public static PasswordSource password(DatabaseSettings settings, String region) {
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

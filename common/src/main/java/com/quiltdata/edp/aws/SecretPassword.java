package com.quiltdata.edp.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.json.Json;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The database password kept in Secrets Manager: either the whole secret string or, for the JSON
 * secrets RDS and CloudFormation create, its "password" field. Fetched once, on first use.
 */
public final class SecretPassword implements Supplier<String> {
    private final SecretsManagerClient client;
    private final String secretArn;
    private volatile String cached;

    public SecretPassword(SecretsManagerClient client, String secretArn) {
        this.client = client;
        this.secretArn = secretArn;
    }

    @Override
    public String get() {
        String value = cached;
        if (value == null) {
            String secret = client.getSecretValue(r -> r.secretId(secretArn)).secretString();
            value = passwordFrom(secret);
            cached = value;
        }
        return value;
    }

    static String passwordFrom(String secret) {
        if (secret != null && secret.trim().startsWith("{")) {
            JsonNode node = Json.parse(secret);
            if (node.hasNonNull("password")) {
                return node.get("password").asText();
            }
            throw new IllegalStateException("the database secret is JSON without a \"password\" field");
        }
        return secret;
    }
}

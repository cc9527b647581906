package com.quiltdata.edp.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.postgres.PasswordSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The database password kept in Secrets Manager: either the whole secret string or the "password"
 * field of a JSON secret ({@code {"username": ..., "password": ...}}, the shape of an RDS-managed
 * master user secret). Read on first use and kept; read again when the server refuses it, which is
 * how a warm function follows a rotation.
 */
public final class SecretPassword implements PasswordSource {
    /** Rereads after refused logins at most this often, so a wrong secret cannot flood Secrets Manager. */
    static final Duration MIN_REREAD_INTERVAL = Duration.ofSeconds(5);

    private final SecretsManagerClient client;
    private final String secretArn;
    private final Clock clock;
    private String cached;
    private Instant lastReread;

    public SecretPassword(SecretsManagerClient client, String secretArn) {
        this(client, secretArn, Clock.systemUTC());
    }

    SecretPassword(SecretsManagerClient client, String secretArn, Clock clock) {
        this.client = client;
        this.secretArn = secretArn;
        this.clock = clock;
    }

    @Override
    public synchronized String current() {
        if (cached == null) {
            cached = read();
        }
        return cached;
    }

    @Override
    public synchronized boolean refreshAfterRejected(String rejected) {
        if (cached != null && !cached.equals(rejected)) {
            return true; // another login already read the newer password
        }
        Instant now = clock.instant();
        if (lastReread != null && now.isBefore(lastReread.plus(MIN_REREAD_INTERVAL))) {
            return false;
        }
        lastReread = now;
        cached = read();
        return !cached.equals(rejected);
    }

    private String read() {
        return passwordFrom(client.getSecretValue(r -> r.secretId(secretArn)).secretString());
    }

    static String passwordFrom(String secret) {
        if (secret == null) {
            throw new IllegalStateException("the database secret has no SecretString (a binary secret is not supported)");
        }
        if (secret.trim().startsWith("{")) {
            JsonNode node;
            try {
                node = Json.parse(secret);
            } catch (RuntimeException notJson) {
                return secret; // a plain password that happens to start with a brace
            }
            if (node.hasNonNull("password") && node.get("password").isTextual()) {
                return node.get("password").asText();
            }
            throw new IllegalStateException("the database secret is JSON without a \"password\" text field");
        }
        return secret;
    }
}

package com.quiltdata.edp.config;

import static com.quiltdata.edp.postgres.ConnectionOptions.DEFAULT_CONNECT_TIMEOUT;
import static com.quiltdata.edp.postgres.ConnectionOptions.DEFAULT_SOCKET_TIMEOUT;

import com.quiltdata.edp.observe.Bounded;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Where the PostgreSQL database is, how to log in and how long to wait for it. The password comes
 * from a Secrets Manager secret (deployed stack) or, for local use, from DB_PASSWORD. DB_URL, when
 * set, replaces host, port, name and TLS settings (the CLI and tests use it).
 */
public record DatabaseSettings(
        String jdbcUrl, String user, Optional<String> password, Optional<String> secretArn,
        Duration connectTimeout, Duration socketTimeout) {

    private static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    /** A login with the default timeouts. */
    public DatabaseSettings(String jdbcUrl, String user, Optional<String> password, Optional<String> secretArn) {
        this(jdbcUrl, user, password, secretArn, DEFAULT_CONNECT_TIMEOUT, DEFAULT_SOCKET_TIMEOUT);
    }

    public static DatabaseSettings from(Env env) {
        Optional<String> url = env.optional("DB_URL");
        String jdbcUrl;
        if (url.isPresent()) {
            jdbcUrl = url.get();
            if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
                env.problem("DB_URL must start with jdbc:postgresql:, got " + Bounded.quoted(jdbcUrl));
            }
        } else {
            String host = env.required("DB_HOST");
            int port = env.integer("DB_PORT", 5432, 1, 65535);
            String name = env.string("DB_NAME", "edp");
            jdbcUrl = "jdbc:postgresql://" + host + ":" + port + "/" + name + "?" + tls(env);
        }
        String user = env.required("DB_USER");
        Optional<String> password = env.optional("DB_PASSWORD");
        Optional<String> secretArn = env.optional("DB_SECRET_ARN");
        if (password.isEmpty() && secretArn.isEmpty()) {
            env.problem("DB_SECRET_ARN (deployed) or DB_PASSWORD (local) is required");
        }
        if (secretArn.isPresent() && !secretArn.get().startsWith("arn:")) {
            env.problem("DB_SECRET_ARN must be a Secrets Manager ARN, got " + Bounded.quoted(secretArn.get()));
        }
        Duration connectTimeout = env.seconds("DB_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT.toSeconds(), 1);
        Duration socketTimeout = env.seconds("DB_SOCKET_TIMEOUT", DEFAULT_SOCKET_TIMEOUT.toSeconds(), 1);
        return new DatabaseSettings(jdbcUrl, user, password, secretArn, connectTimeout, socketTimeout);
    }

    /**
     * The TLS part of the URL. {@code require} encrypts; {@code verify-full} also checks the server's
     * certificate and host name against the CA bundle in DB_SSLROOTCERT, which the driver's own
     * default location never holds in a Lambda.
     */
    private static String tls(Env env) {
        String mode = env.string("DB_SSLMODE", "require");
        if (!SSL_MODES.contains(mode)) {
            env.problem("DB_SSLMODE must be one of disable, allow, prefer, require, verify-ca, verify-full, got " + Bounded.quoted(mode));
            return "sslmode=require";
        }
        Optional<String> rootCert = env.optional("DB_SSLROOTCERT");
        if (mode.startsWith("verify-") && rootCert.isEmpty()) {
            env.problem("DB_SSLMODE=" + mode + " needs DB_SSLROOTCERT, the path of the CA bundle that signed the server's certificate");
        }
        if (rootCert.isPresent() && !Files.isReadable(Path.of(rootCert.get()))) {
            env.problem("DB_SSLROOTCERT names no readable file: '" + rootCert.get() + "'");
        }
        return "sslmode=" + mode + rootCert.map(p -> "&sslrootcert=" + URLEncoder.encode(p, StandardCharsets.UTF_8)).orElse("");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=" + (password.isPresent() ? "***" : "from secret")
                + ", connectTimeout=" + connectTimeout + ", socketTimeout=" + socketTimeout + "]";
    }
}

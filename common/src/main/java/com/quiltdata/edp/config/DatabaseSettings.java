package com.quiltdata.edp.config;

import java.util.Optional;

/**
 * Where the PostgreSQL database is and how to log in. The password comes from a Secrets Manager
 * secret (deployed stack) or, for local use, from DB_PASSWORD. DB_URL, when set, replaces
 * host, port and name (the CLI and tests use it).
 */
public record DatabaseSettings(
        String jdbcUrl, String user, Optional<String> password, Optional<String> secretArn) {

    public static DatabaseSettings from(Env env) {
        Optional<String> url = env.optional("DB_URL");
        String jdbcUrl;
        if (url.isPresent()) {
            jdbcUrl = url.get();
            if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
                env.problem("DB_URL must start with jdbc:postgresql:, got '" + jdbcUrl + "'");
            }
        } else {
            String host = env.required("DB_HOST");
            int port = env.integer("DB_PORT", 5432, 1, 65535);
            String name = env.string("DB_NAME", "edp");
            String sslMode = env.string("DB_SSLMODE", "require");
            // verify-full checks the server against this CA bundle (the template's layer); empty: the JVM's trust store
            String rootCert = env.optional("DB_SSLROOTCERT").map(path -> "&sslrootcert=" + path).orElse("");
            jdbcUrl = "jdbc:postgresql://" + host + ":" + port + "/" + name + "?sslmode=" + sslMode + rootCert;
        }
        String user = env.required("DB_USER");
        Optional<String> password = env.optional("DB_PASSWORD");
        Optional<String> secretArn = env.optional("DB_SECRET_ARN");
        if (password.isEmpty() && secretArn.isEmpty()) {
            env.problem("DB_SECRET_ARN (deployed) or DB_PASSWORD (local) is required");
        }
        if (secretArn.isPresent() && !secretArn.get().startsWith("arn:")) {
            env.problem("DB_SECRET_ARN must be a Secrets Manager ARN, got '" + secretArn.get() + "'");
        }
        return new DatabaseSettings(jdbcUrl, user, password, secretArn);
    }

    @Override
    public String toString() {
        return "DatabaseSettings[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=" + (password.isPresent() ? "***" : "from secret") + "]";
    }
}

package com.quiltdata.edp.cli;

import com.quiltdata.edp.aws.Databases;
import com.quiltdata.edp.config.ConfigurationException;
import com.quiltdata.edp.config.DatabaseSettings;
import com.quiltdata.edp.config.Env;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The database of a deployed stack (or a local one): {@code --jdbc-url/--db-user/--db-password},
 * or else the environment variables the Lambdas read (DB_URL or DB_HOST/DB_PORT/DB_NAME, DB_USER,
 * DB_PASSWORD or DB_SECRET_ARN).
 */
public final class DatabaseOptions {
    @Option(names = "--jdbc-url", paramLabel = "URL", description = "PostgreSQL JDBC URL (default: DB_URL or DB_HOST/DB_PORT/DB_NAME)")
    String jdbcUrl;

    @Option(names = "--db-user", paramLabel = "USER", description = "database user (default: DB_USER, or postgres)")
    String user;

    @Option(names = "--db-password", paramLabel = "PASSWORD", description = "database password (default: DB_PASSWORD or the DB_SECRET_ARN secret)")
    String password;

    public boolean given() {
        return jdbcUrl != null;
    }

    /** The login from the options, falling back to the Lambdas' environment variables. */
    public DatabaseLogin login(CliEnvironment environment) {
        Map<String, String> vars = new HashMap<>(environment.variables());
        if (jdbcUrl != null) {
            vars.put("DB_URL", jdbcUrl);
        }
        if (user != null) {
            vars.put("DB_USER", user);
        } else if (jdbcUrl != null) {
            vars.putIfAbsent("DB_USER", "postgres");
        }
        if (password != null) {
            vars.put("DB_PASSWORD", password);
        } else if (jdbcUrl != null && !vars.containsKey("DB_SECRET_ARN")) {
            vars.putIfAbsent("DB_PASSWORD", "");
        }
        if (!vars.containsKey("DB_URL") && !vars.containsKey("DB_HOST")) {
            throw new UsageException("no database given",
                    "pass --jdbc-url jdbc:postgresql://host:5432/edp (with --db-user and --db-password), or set DB_URL or DB_HOST, DB_USER and DB_PASSWORD");
        }
        Env env = new Env(vars);
        DatabaseSettings settings = DatabaseSettings.from(env);
        try {
            env.validate();
        } catch (ConfigurationException e) {
            throw new UsageException("the database settings are incomplete: " + String.join("; ", e.problems()),
                    "pass --jdbc-url, --db-user and --db-password, or set the DB_* variables the Lambdas use");
        }
        String pw = settings.password().orElseGet(() -> Databases.password(settings, vars.get("AWS_REGION")).current());
        return new DatabaseLogin(settings.jdbcUrl(), settings.user(), Optional.ofNullable(pw).orElse(""), Databases.options(settings, 1));
    }
}

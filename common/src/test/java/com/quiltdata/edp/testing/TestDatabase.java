package com.quiltdata.edp.testing;

import com.quiltdata.edp.postgres.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;

/**
 * A real PostgreSQL for tests: the server named by TEST_PG_URL / TEST_PG_USER / TEST_PG_PASSWORD,
 * or else an embedded one started once per JVM. Each {@link #create()} gives a fresh schema with
 * every migration of {@code db/migrations/} applied, the same files the deployed stack runs.
 */
public final class TestDatabase implements AutoCloseable {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static Server server;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String schema;

    private TestDatabase(String jdbcUrl, String user, String password, String schema) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.schema = schema;
    }

    /** A new, migrated schema of its own. */
    public static TestDatabase create() {
        Server s = server();
        String schema = "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        try (Connection c = DriverManager.getConnection(s.url, s.user, s.password); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test schema on " + s.url, e);
        }
        String url = s.url + (s.url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        Flyway.configure()
                .dataSource(url, s.user, s.password)
                .schemas(schema)
                .locations("filesystem:" + migrationsFolder())
                .load()
                .migrate();
        return new TestDatabase(url, s.user, s.password, schema);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String schema() {
        return schema;
    }

    /** The production {@link Database} class over this schema. */
    public Database database() {
        return new Database(jdbcUrl, user, () -> password);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** Runs a query that returns one number (counts in assertions). */
    public long scalar(String sql, Object... params) {
        try (Connection c = connect(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void execute(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The repository's {@code db/migrations/} folder. */
    public static Path migrationsFolder() {
        return RepositoryFiles.find("db/migrations");
    }

    /** Stops the embedded server (tests of restarts) ; the next create() starts it again. */
    public static synchronized void restartEmbedded() {
        if (server != null && server.embedded != null) {
            try {
                server.embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server = null;
        }
    }

    @Override
    public void close() {
        // schemas are left for inspection after a failure; the embedded server goes with the JVM
    }

    private static synchronized Server server() {
        if (server == null) {
            String url = System.getenv("TEST_PG_URL");
            if (url != null && !url.isBlank()) {
                server = new Server(url, env("TEST_PG_USER", "postgres"), env("TEST_PG_PASSWORD", ""), null);
            } else {
                server = startEmbedded();
            }
        }
        return server;
    }

    private static Server startEmbedded() {
        try {
            File work = Path.of(System.getProperty("java.io.tmpdir"), "edp-embedded-pg").toFile();
            work.mkdirs();
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(work)
                    .setServerConfig("max_connections", "200");
            // Tests trade durability for speed; benchmarks ask for a server that syncs its commits, as RDS does.
            if (!Boolean.getBoolean("edp.test.pg.durable")) {
                builder.setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off");
            }
            EmbeddedPostgres pg = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            return new Server(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres", pg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }

    private record Server(String url, String user, String password, EmbeddedPostgres embedded) {}
}

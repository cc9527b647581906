package com.quiltdata.edp.testing;

import com.quiltdata.edp.postgres.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
    private static Server stopped;

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

    /**
     * Stops the embedded server and deletes its data. Benchmarks call this before main returns: run
     * through {@code mvn exec:java}, their class loader is closed before JVM shutdown hooks run, so the
     * hook could not stop the server and it would outlive the run. The next create() starts a new one.
     */
    public static synchronized void shutdownEmbedded() {
        if (server != null && server.embedded != null) {
            try {
                server.embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            deleteTree(server.dataDirectory);
            server = null;
        }
    }

    /** True when the server is the embedded one (not TEST_PG_URL), so {@link #stopEmbeddedKeepingData()} can restart it. */
    public static synchronized boolean isEmbedded() {
        return server().embedded != null;
    }

    /**
     * Stops the embedded server like a crash-free shutdown of a database host: its data directory and
     * port are kept, connections are cut. {@link #startEmbeddedAgain()} brings the SAME data back on the
     * same port, so every {@link TestDatabase} and {@link Database} made before keeps working.
     */
    public static synchronized void stopEmbeddedKeepingData() {
        Server s = server();
        if (s.embedded == null) {
            throw new IllegalStateException("the test server is TEST_PG_URL, which tests cannot stop");
        }
        if (stopped != null) {
            return;
        }
        try {
            s.embedded.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stopped = s;
    }

    /** Starts the embedded server stopped by {@link #stopEmbeddedKeepingData()} on its data directory and port. */
    public static synchronized void startEmbeddedAgain() {
        if (stopped == null) {
            return;
        }
        try {
            EmbeddedPostgres pg = builder(stopped.dataDirectory).setPort(stopped.embedded.getPort()).start();
            server = new Server(stopped.url, stopped.user, stopped.password, pg, stopped.dataDirectory);
            stopped = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart embedded PostgreSQL on " + stopped.dataDirectory, e);
        }
    }

    @Override
    public void close() {
        // schemas are left for inspection after a failure; the embedded server goes with the JVM
    }

    private static synchronized Server server() {
        if (stopped != null) {
            throw new IllegalStateException("the embedded server is stopped; call startEmbeddedAgain()");
        }
        if (server == null) {
            String url = System.getenv("TEST_PG_URL");
            if (url != null && !url.isBlank()) {
                server = new Server(url, env("TEST_PG_USER", "postgres"), env("TEST_PG_PASSWORD", ""), null, null);
            } else {
                server = startEmbedded();
            }
        }
        return server;
    }

    private static final boolean DURABLE = Boolean.getBoolean("edp.test.pg.durable");

    private static Server startEmbedded() {
        try {
            // a data directory of our own (outside zonky's working directory, whose stale-directory sweep
            // could take it while stopped), kept across stopEmbeddedKeepingData() and deleted at exit
            Path data = Files.createTempDirectory("edp-embedded-pg-data-");
            EmbeddedPostgres pg = builder(data).start();
            if (DURABLE) {
                requireDurable(pg);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                synchronized (TestDatabase.class) {
                    try {
                        if (server != null && server.embedded != null) {
                            server.embedded.close();
                        }
                    } catch (IOException ignored) {
                        // the JVM is exiting
                    }
                    stopPostmasterOf(data);
                    deleteTree(data);
                }
            }));
            return new Server(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres", pg, data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    /** A benchmark that believes it measures synced commits must not run on a server that skips them. */
    private static void requireDurable(EmbeddedPostgres pg) {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT current_setting('fsync') || ' ' || current_setting('synchronous_commit')")) {
            rs.next();
            if (!rs.getString(1).equals("on on")) {
                throw new IllegalStateException("edp.test.pg.durable is set but the server runs with fsync, synchronous_commit = " + rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EmbeddedPostgres.Builder builder(Path data) {
        File work = Path.of(System.getProperty("java.io.tmpdir"), "edp-embedded-pg").toFile();
        work.mkdirs();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(work)
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setServerConfig("max_connections", "200");
        // Tests trade durability for speed; benchmarks ask for a server that syncs its commits, as RDS
        // does. zonky always starts postgres with -F (fsync off) and synchronous_commit off by default;
        // a -c setting given after them wins, so durability must be asked for explicitly.
        String durable = DURABLE ? "on" : "off";
        builder.setServerConfig("fsync", durable).setServerConfig("synchronous_commit", durable);
        if (DURABLE) {
            // what a benchmark's stalls need to be told apart: checkpoints and long autovacuum runs
            builder.setServerConfig("log_checkpoints", "on").setServerConfig("log_autovacuum_min_duration", "500");
        }
        return builder;
    }

    /**
     * pg_ctl stop gives up after a few seconds on a loaded machine and leaves the server running;
     * at exit nothing would ever stop it, so stop the postmaster named in the data directory.
     */
    private static void stopPostmasterOf(Path data) {
        try {
            long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
            ProcessHandle.of(pid).ifPresent(postmaster -> {
                postmaster.destroy(); // SIGTERM: a smart shutdown, and our connections are closing with the JVM
                try {
                    postmaster.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception notYet) {
                    postmaster.destroyForcibly();
                }
            });
        } catch (IOException | RuntimeException noPostmaster) {
            // no pid file: the server stopped cleanly
        }
    }

    private static void deleteTree(Path root) {
        // the stopping server may still remove files of its own while we walk; walk again then
        for (int attempt = 0; attempt < 3 && Files.exists(root); attempt++) {
            try (var paths = Files.walk(root)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException ignored) {
                // best effort at exit
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }

    private record Server(String url, String user, String password, EmbeddedPostgres embedded, Path dataDirectory) {}
}

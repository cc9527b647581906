package com.quiltdata.edp.postgres;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The connection pool of one process (HikariCP). A Lambda keeps one connection, a process with
 * several workers more (see {@link ConnectionOptions}). Nothing connects until the first use, so a
 * SnapStart snapshot holds no connection; a connection idle for more than half a second is checked
 * before it is handed out, and connections are renewed after {@link #MAX_LIFETIME}, so one cut while
 * the function was frozen, by a restore from a snapshot or by a failover, is replaced before use.
 */
public final class Database implements AutoCloseable {
    /** Renewed well inside any server or network idle limit, and so DNS changes (failover) are followed. */
    static final Duration MAX_LIFETIME = Duration.ofMinutes(15);
    /** An idle connection is pinged this often while the process runs, so firewalls do not drop it. */
    static final Duration KEEPALIVE = Duration.ofMinutes(2);
    /** A check of a connection before use gives up after this. */
    static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(3);

    private final String jdbcUrl;
    private final HikariDataSource pool;

    /** One connection, the default timeouts, a password that does not change. */
    public Database(String jdbcUrl, String user, Supplier<String> password) {
        this(jdbcUrl, user, PasswordSource.of(password), ConnectionOptions.ONE_CONNECTION);
    }

    public Database(String jdbcUrl, String user, PasswordSource password, ConnectionOptions options) {
        this.jdbcUrl = jdbcUrl;
        // the no-argument constructor starts the pool on the first getConnection(), not here
        pool = new HikariDataSource();
        pool.setPoolName("edp");
        pool.setDataSource(new LoginDataSource(jdbcUrl, user, password, options));
        pool.setMaximumPoolSize(options.poolSize());
        pool.setMinimumIdle(1);
        // a refused login and its retry after the secret was read again are quick: one connect timeout covers both
        pool.setConnectionTimeout(options.connectTimeout().toMillis());
        pool.setValidationTimeout(Math.min(VALIDATION_TIMEOUT.toMillis(), options.connectTimeout().toMillis()));
        pool.setMaxLifetime(MAX_LIFETIME.toMillis());
        pool.setKeepaliveTime(KEEPALIVE.toMillis());
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** A connection in autocommit mode; closing it returns it to the pool. */
    public Connection open() throws SQLException {
        return pool.getConnection();
    }

    /**
     * A connection with a transaction begun (autocommit off) that the caller commits or rolls back and
     * then closes; closing it returns it to the pool, which rolls back whatever was left uncommitted.
     */
    public Connection begin() throws SQLException {
        Connection c = pool.getConnection();
        try {
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /** Runs work in one transaction: commit on success, rollback on any failure. */
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        try (Connection c = begin()) {
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        }
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    @Override
    public void close() {
        pool.close();
    }
}

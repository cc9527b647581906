package com.quiltdata.edp.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The database connection of one execution environment. A Lambda handles one invocation at a
 * time, so one connection is enough; it opens lazily (nothing stale is captured in a SnapStart
 * snapshot) and is replaced when it stops answering.
 */
public final class Database implements AutoCloseable {
    private final String jdbcUrl;
    private final String user;
    private final Supplier<String> password;
    private Connection connection;

    public Database(String jdbcUrl, String user, Supplier<String> password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** A fresh connection that the caller owns (concurrent workers, benchmarks, tests). */
    public Connection open() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password.get());
        props.setProperty("ApplicationName", "edp");
        props.setProperty("reWriteBatchedInserts", "true");
        return DriverManager.getConnection(jdbcUrl, props);
    }

    /** The shared connection, (re)opened when needed; autocommit off. */
    public synchronized Connection connection() throws SQLException {
        if (connection == null || connection.isClosed() || !connection.isValid(2)) {
            closeQuietly();
            connection = open();
            connection.setAutoCommit(false);
        }
        return connection;
    }

    /** Runs work in one transaction on the shared connection: commit on success, rollback on any failure. */
    public synchronized <T> T inTransaction(SqlWork<T> work) throws SQLException {
        Connection c = connection();
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
                closeQuietly();
            }
            throw e;
        }
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the connection is being replaced; nothing more to do with it
            }
            connection = null;
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}

package com.quiltdata.edp.postgres;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Opens the physical connections the pool keeps. Each login reads the password source, and a login
 * the server refuses for its password is tried once more if the source has a newer password.
 */
final class LoginDataSource implements DataSource {
    /** invalid_password, and invalid_authorization_specification (also used for a refused role). */
    private static final String WRONG_PASSWORD = "28P01";
    private static final String NOT_AUTHORIZED = "28000";

    private final String jdbcUrl;
    private final String user;
    private final PasswordSource password;
    private final ConnectionOptions options;

    LoginDataSource(String jdbcUrl, String user, PasswordSource password, ConnectionOptions options) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.options = options;
    }

    @Override
    public Connection getConnection() throws SQLException {
        String tried = password.current();
        try {
            return login(tried);
        } catch (SQLException refused) {
            if (!isAuthenticationFailure(refused)) {
                throw refused;
            }
            boolean newer;
            try {
                newer = password.refreshAfterRejected(tried);
            } catch (RuntimeException unreadable) {
                refused.addSuppressed(unreadable);
                throw refused;
            }
            if (!newer) {
                throw refused;
            }
            return login(password.current());
        }
    }

    static boolean isAuthenticationFailure(SQLException e) {
        return WRONG_PASSWORD.equals(e.getSQLState()) || NOT_AUTHORIZED.equals(e.getSQLState());
    }

    private Connection login(String pw) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", pw == null ? "" : pw);
        props.setProperty("ApplicationName", "edp");
        props.setProperty("reWriteBatchedInserts", "true");
        props.setProperty("connectTimeout", Long.toString(options.connectTimeout().toSeconds()));
        props.setProperty("loginTimeout", Long.toString(options.connectTimeout().toSeconds()));
        props.setProperty("socketTimeout", Long.toString(options.socketTimeout().toSeconds()));
        props.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(jdbcUrl, props);
    }

    @Override
    public Connection getConnection(String username, String pw) throws SQLException {
        throw new SQLFeatureNotSupportedException("the login is fixed when the pool is built");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // the driver logs nothing we keep
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // the connect timeout of the options applies
    }

    @Override
    public int getLoginTimeout() {
        return (int) options.connectTimeout().toSeconds();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}

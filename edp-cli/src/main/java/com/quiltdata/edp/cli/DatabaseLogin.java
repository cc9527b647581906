package com.quiltdata.edp.cli;

import com.quiltdata.edp.postgres.ConnectionOptions;
import com.quiltdata.edp.postgres.Database;

/** Where a PostgreSQL database is, how to log in to it and how long to wait for it. */
public record DatabaseLogin(String jdbcUrl, String user, String password, ConnectionOptions options) {

    /** A login with the default timeouts. */
    public DatabaseLogin(String jdbcUrl, String user, String password) {
        this(jdbcUrl, user, password, ConnectionOptions.ONE_CONNECTION);
    }

    /** A new {@link Database} of one connection, opened on first use. */
    public Database database() {
        return database(1);
    }

    /** A new {@link Database} whose pool keeps up to {@code connections}, for several workers. */
    public Database database(int connections) {
        return new Database(jdbcUrl, user, () -> password, options.withPoolSize(connections));
    }

    @Override
    public String toString() {
        return "DatabaseLogin[" + jdbcUrl + ", user=" + user + "]";
    }
}

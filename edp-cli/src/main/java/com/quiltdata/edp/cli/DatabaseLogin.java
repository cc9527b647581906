package com.quiltdata.edp.cli;

import com.quiltdata.edp.postgres.Database;

/** Where a PostgreSQL database is and how to log in to it. */
public record DatabaseLogin(String jdbcUrl, String user, String password) {

    /** A new {@link Database} (one connection of its own, opened on first use). */
    public Database database() {
        return new Database(jdbcUrl, user, () -> password);
    }

    @Override
    public String toString() {
        return "DatabaseLogin[" + jdbcUrl + ", user=" + user + "]";
    }
}

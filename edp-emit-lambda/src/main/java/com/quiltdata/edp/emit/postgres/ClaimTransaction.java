package com.quiltdata.edp.emit.postgres;

import com.quiltdata.edp.emit.port.RepositoryUnavailableException;
import com.quiltdata.edp.postgres.Database;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The open transaction behind a claim, on a connection of its own from the pool: the rows it locked
 * stay locked until {@link #commit()}; closing without committing rolls back, so whatever was claimed
 * stays due for the next tick. Closing returns the connection to the pool.
 */
abstract class ClaimTransaction implements AutoCloseable {
    protected final Connection c;
    private boolean finished;
    private boolean closed;

    ClaimTransaction(Connection c) {
        this.c = c;
    }

    /** A connection with a transaction begun, which the claim built on it will return to the pool. */
    static Connection begin(Database database) {
        try {
            return database.begin();
        } catch (SQLException e) {
            throw new RepositoryUnavailableException("cannot connect to the database: " + e.getMessage(), e);
        }
    }

    /** Rolls back a claim that failed before it was built and returns its connection to the pool. */
    static RuntimeException abandon(Connection c, String what, Exception e) {
        try (c) {
            c.rollback();
        } catch (SQLException rollbackFailure) {
            e.addSuppressed(rollbackFailure);
        }
        return e instanceof RuntimeException r ? r : new RepositoryUnavailableException(what + " failed: " + e.getMessage(), e);
    }

    public void commit() {
        try {
            c.commit();
            finished = true;
        } catch (SQLException e) {
            throw new RepositoryUnavailableException("commit failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!finished) {
            finished = true;
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is broken; the pool drops it and the server rolled the transaction back with the session
            }
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // returning a broken connection to the pool: the pool drops it
        }
    }
}

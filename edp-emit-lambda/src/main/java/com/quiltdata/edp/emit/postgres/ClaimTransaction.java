package com.quiltdata.edp.emit.postgres;

import com.quiltdata.edp.emit.port.RepositoryUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The open transaction behind a claim: the rows it locked stay locked until {@link #commit()}; closing
 * without committing rolls back, so whatever was claimed stays due for the next tick.
 */
abstract class ClaimTransaction implements AutoCloseable {
    protected final Connection c;
    private boolean finished;

    ClaimTransaction(Connection c) {
        this.c = c;
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
        if (!finished) {
            finished = true;
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is broken; Database replaces it on next use and the server has
                // rolled the transaction back with the session
            }
        }
    }
}

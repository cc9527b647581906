package com.quiltdata.edp.emit.port;

import com.quiltdata.edp.emit.domain.BatchObject;
import com.quiltdata.edp.emit.domain.OpenBatch;
import com.quiltdata.edp.emit.domain.Trigger;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Batches locked in one open transaction. Everything done through the claim commits together;
 * closing it without {@link #commit()} rolls back, so a batch is either marked emitted or left
 * open and due, never anything in between.
 */
public interface BatchClaim extends AutoCloseable {

    /** The locked batches, in claim order. */
    List<OpenBatch> batches();

    /** The recorded objects of some of the claimed batches, each list in key order. */
    Map<UUID, List<BatchObject>> objectsOf(Collection<UUID> batchIds);

    /**
     * Remembers that the filter held a batch back in its current state.
     *
     * @return true the first time this batch is held (the caller logs the reason once)
     */
    boolean hold(OpenBatch batch, String filterExpression, String reason, Instant at);

    /** Closes the batches that were published. */
    void markEmitted(List<Fired> fired, Instant at);

    void commit();

    /** Rolls back unless committed. */
    @Override
    void close();

    record Fired(UUID batchId, Trigger trigger) {}
}

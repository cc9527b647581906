package com.quiltdata.edp.emit.port;

import com.quiltdata.edp.emit.domain.BatchObject;
import com.quiltdata.edp.emit.domain.OpenBatch;
import com.quiltdata.edp.emit.domain.ReadyBatch;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Batches locked in one open transaction. Everything done through the claim commits together;
 * closing it without {@link #commit()} rolls back, so a batch is either closed for announcement
 * (with its trigger) or left open and due, never anything in between.
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

    /**
     * Closes the ready batches to new objects and records their triggers, before anything is
     * published: from the commit on, a file for one of their prefixes opens the prefix's next
     * batch, and each of these batch ids names the objects it holds now.
     *
     * @param publishingUntil until when the caller may still be publishing them; after it, any tick
     *                        announces them again ({@link BatchRepository#takeOverClosed})
     */
    void closeForAnnouncement(List<ReadyBatch> ready, Instant at, Instant publishingUntil);

    void commit();

    /** Rolls back unless committed. */
    @Override
    void close();
}

package com.quiltdata.edp.packager.port;

import com.quiltdata.edp.packager.domain.Checkpoint;
import java.util.Optional;
import java.util.UUID;

/**
 * The parts of packages built over several invocations (ADR 0114), kept in the package's registry
 * under a key derived from the run id and part number only.
 */
public interface CheckpointStore {
    /** The SQS message id that wrote this part, if the part exists. */
    Optional<String> writtenBy(String registry, UUID run, int part);

    Optional<Checkpoint> read(String registry, UUID run, int part);

    /** The part's header only: where the run stands, without its entries. */
    Optional<Checkpoint.Header> readHeader(String registry, UUID run, int part);

    /** Stores a part unless one of that number exists: false then (another delivery of the same step wrote it). */
    boolean create(String registry, Checkpoint checkpoint);

    /** Deletes parts 1..{@code parts} of the run; missing ones are fine. */
    void delete(String registry, UUID run, int parts);
}

package com.quiltdata.edp.processor.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * One ready batch to process, parsed from a {@code package-objects-ready} event (or its bare detail).
 *
 * @param bucket   the source bucket
 * @param prefix   the batch prefix, one or more folders ending in {@code /}
 * @param batchId  the batch id when the message carries one
 * @param detail   the detail as received, given to the execution filter as {@code $batch}
 * @param versions object versions the message names, by key; empty when it names none (detail 0.1)
 */
public record ReadyBatch(String bucket, String prefix, Optional<String> batchId, JsonNode detail,
                         Map<String, String> versions) {
    public ReadyBatch {
        versions = Map.copyOf(versions);
    }
}

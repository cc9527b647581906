package com.quiltdata.edp.it.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Records that parse but that PostgreSQL would refuse, each sent among 24 valid events of one
 * SQS batch with the template's batch size and redrive limit: only the refused record reaches
 * the DLQ, every valid event is stored and packaged (issue 12, item 2; ADR 0008).
 */
class StoreRejectedRecordFaultTest {
    static final int VALID_PER_ROUND = 24;

    /** How each refused record differs from a valid event. */
    static Map<String, Consumer<ObjectNode>> refusedRecords() {
        Map<String, Consumer<ObjectNode>> refused = new LinkedHashMap<>();
        refused.put("nul_in_key_encoded", e -> object(e).put("key", object(e).path("key").asText() + "%00"));
        refused.put("nul_in_key_raw", e -> object(e).put("key", object(e).path("key").asText() + "\u0000"));
        refused.put("nul_in_etag", e -> object(e).put("etag", "0123\u00004567"));
        refused.put("event_id_3kb", e -> e.put("id", randomText(3072)));
        refused.put("time_year_10000", e -> e.put("time", "+10000-01-01T00:00:00Z"));
        refused.put("time_year_minus_5000", e -> e.put("time", "-5000-01-01T00:00:00Z"));
        refused.put("time_overflowing_copy", e -> e.put("time", "+1000000000-01-01T00:00:00Z"));
        // valid to the parser, refused only by a constraint of the database: the halving finds it
        refused.put("refused_by_a_constraint", e -> object(e).put("key", object(e).path("key").asText().replace("/sub/", "/sub/quarantine-")));
        return refused;
    }

    @Test
    void refusedRecordsAmongValidOnesAreTheOnlyOnesDeadLettered() {
        try (Pipeline p = new Pipeline()) {
            p.db.execute("ALTER TABLE object_event ADD CONSTRAINT no_quarantine CHECK (object_key NOT LIKE '%/quarantine-%')");
            List<String> kinds = new ArrayList<>(refusedRecords().keySet());
            // the case: one refused record among 24 valid ones; then every other kind in one batch
            List<List<String>> rounds = List.of(kinds.subList(0, 1), kinds.subList(1, kinds.size()));
            int refusedDeadLettered = 0;
            List<String> validDeadLettered = new ArrayList<>();
            for (int round = 0; round < rounds.size(); round++) {
                // Given 24 valid events with the refused records spread among them, in one SQS batch
                p.holdIngest(true);
                String folder = "lab/refused-" + round + "/sub/";
                for (int f = 0; f < VALID_PER_ROUND; f++) {
                    p.source.put(Pipeline.BUCKET, folder + "file-" + f + ".dat", "round " + round + " file " + f);
                }
                ObjectNode valid = (ObjectNode) p.source.writes().get(p.source.writes().size() - 1).event();
                List<String> refused = new ArrayList<>();
                for (String kind : rounds.get(round)) {
                    ObjectNode bad = valid.deepCopy();
                    bad.put("id", UUID.randomUUID().toString());
                    object(bad).put("key", folder + kind + ".dat");
                    refusedRecords().get(kind).accept(bad);
                    refused.add(bad.toString());
                }
                p.ingestFilter(bodies -> {
                    List<String> mixed = new ArrayList<>(bodies);
                    for (int i = 0; i < refused.size(); i++) {
                        mixed.add((i + 1) * mixed.size() / (refused.size() + 1), refused.get(i));
                    }
                    return mixed;
                });
                p.flushIngest();
                p.ingestFilter(bodies -> bodies);
                p.holdIngest(false);

                // When the store consumes the queue, retries and redrive included
                p.store();

                // Then the refused records alone are dead-lettered
                List<String> dead = p.takeIngestDeadLetters();
                assertEquals(Set.copyOf(refused), Set.copyOf(dead), rounds.get(round) + ": what the DLQ holds");
                refusedDeadLettered += (int) dead.stream().filter(refused::contains).count();
                dead.stream().filter(b -> !refused.contains(b)).forEach(validDeadLettered::add);
                assertEquals(VALID_PER_ROUND, p.db.scalar("SELECT count(*) FROM object_event WHERE object_key LIKE ?", folder + "%"),
                        rounds.get(round) + ": valid events stored");
            }
            p.settle();
            Audit.Report report = p.audit.check(Set.of());
            FaultsTest.assertClean("store_db_rejected_record", report, "refused=" + kinds.size()
                    + " refused_dead_lettered=" + refusedDeadLettered + " valid_dead_lettered=" + validDeadLettered.size()
                    + " valid_per_batch=" + VALID_PER_ROUND + " max_receive_count=" + p.ingest.maxReceiveCount());
            assertEquals(kinds.size(), refusedDeadLettered);
            assertEquals(List.of(), validDeadLettered);
            assertEquals(VALID_PER_ROUND * rounds.size(), report.events());
        }
    }

    private static ObjectNode object(ObjectNode event) {
        return (ObjectNode) event.path("detail").path("object");
    }

    private static String randomText(int length) {
        Random random = new Random(12);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}

package com.quiltdata.edp.it.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The audit can fail: each duplicate it claims to count, constructed by hand, is counted. */
class AuditTest {

    @Test
    void duplicatedCountsAWriteRecordedTwiceAndAWriteInTwoBatches() {
        try (Pipeline p = new Pipeline()) {
            // Given a clean run with two emitted batches in each prefix
            FaultsTest.workload(p, "audit", 2, 5);
            p.settle();
            p.source.put(Pipeline.BUCKET, "lab/audit-0/sub/file-9.dat", "second batch");
            p.settle();
            Audit.Report clean = p.audit.check(Set.of());
            assertEquals(List.of(), clean.problems());
            assertEquals(0, clean.duplicated());

            // When one S3 write is recorded a second time under another event id
            p.db.execute("INSERT INTO object_event SELECT 'copy-' || event_id, bucket, object_key, raw_key, kind, size, etag,"
                    + " version_id, sequencer, event_time, arrived_at FROM object_event WHERE object_key = 'lab/audit-1/sub/file-2.dat'");
            // Then the audit counts it
            Audit.Report recordedTwice = p.audit.check(Set.of());
            assertEquals(1, recordedTwice.duplicated(), recordedTwice.problems().toString());
            assertTrue(recordedTwice.problems().stream().anyMatch(s -> s.contains("file-2.dat") && s.contains("recorded 2 times")),
                    recordedTwice.problems().toString());

            // When a write of the first batch also appears in the prefix's second batch
            p.db.execute("INSERT INTO batch_object (batch_id, object_key, file_name, deleted, size, etag, version_id, sequencer, event_time)"
                    + " SELECT (SELECT batch_id FROM batch_object WHERE object_key = 'lab/audit-0/sub/file-9.dat'),"
                    + " object_key, file_name, deleted, size, etag, version_id, sequencer, event_time"
                    + " FROM batch_object WHERE object_key = 'lab/audit-0/sub/file-3.dat'");
            // Then the audit counts that too
            Audit.Report inTwoBatches = p.audit.check(Set.of());
            assertEquals(2, inTwoBatches.duplicated(), inTwoBatches.problems().toString());
            assertTrue(inTwoBatches.problems().stream().anyMatch(s -> s.contains("file-3.dat") && s.contains("is in 2 batches")),
                    inTwoBatches.problems().toString());
        }
    }
}

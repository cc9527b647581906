package com.quiltdata.edp.emit.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.quiltdata.edp.emit.domain.OpenBatch;
import com.quiltdata.edp.emit.port.PackageRevisionRepository.WrittenRevision;
import com.quiltdata.edp.emit.testing.OpenBatches;
import com.quiltdata.edp.emit.testing.PackageRevisions;
import com.quiltdata.edp.testing.TestDatabase;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reads that edp status makes through the emit repositories. */
class ReadModelsTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private TestDatabase db;

    @BeforeEach
    void database() {
        db = TestDatabase.create();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void openBatchesComeOldestFirstWithTheirLiveSentinels() {
        OpenBatches.batch("b1", "lab/run-2/").files(2).file("_SUCCESS", 0).openedAt(T0.plusSeconds(60)).insert(db);
        OpenBatches.batch("b1", "lab/run-1/").files(3).openedAt(T0).insert(db);
        OpenBatches.batch("b1", "lab/run-3/").files(1).deleted("_SUCCESS").openedAt(T0.plusSeconds(120)).insert(db);

        List<OpenBatch> open = new JdbcBatchRepository(db.database()).openBatches(List.of("_SUCCESS"));

        assertEquals(List.of("lab/run-1/", "lab/run-2/", "lab/run-3/"), open.stream().map(OpenBatch::prefix).toList());
        assertEquals(List.of(false, true, false), open.stream().map(OpenBatch::sentinelSeen).toList(), "a deleted sentinel does not count");
        assertEquals(List.of(false, false, false),
                new JdbcBatchRepository(db.database()).openBatches(List.of()).stream().map(OpenBatch::sentinelSeen).toList());
    }

    @Test
    void recentRevisionsComeNewestFirstUpToTheLimit() {
        PackageRevisions.insert(db, "reg", "lab/a", PackageRevisions.hash(1), T0, T0);
        PackageRevisions.insert(db, "reg", "lab/b", PackageRevisions.hash(2), T0.plusSeconds(5), T0);
        PackageRevisions.insert(db, "reg", "lab/c", PackageRevisions.hash(3), T0.plusSeconds(9), T0);

        List<WrittenRevision> recent = new JdbcPackageRevisionRepository(db.database()).recent(2);

        assertEquals(List.of("lab/c", "lab/b"), recent.stream().map(WrittenRevision::packageName).toList());
        assertEquals(PackageRevisions.hash(3), recent.get(0).topHash());
        assertEquals(T0.plusSeconds(9), recent.get(0).createdAt());
        assertEquals(List.of(), new JdbcPackageRevisionRepository(db.database()).recent(0));
    }
}

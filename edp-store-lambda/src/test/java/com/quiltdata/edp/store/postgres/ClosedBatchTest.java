package com.quiltdata.edp.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.quiltdata.edp.domain.ObjectEvent;
import com.quiltdata.edp.domain.Sequencer;
import com.quiltdata.edp.store.port.ObjectEventStore.PlacedEvent;
import com.quiltdata.edp.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A batch the emit Lambda closed for announcement (ADR 0205) is frozen: whatever the store
 * records for its prefix afterwards goes to the prefix's next batch, on the COPY path (new keys)
 * and on the upsert path (keys the closed batch holds), and also when the close commits while
 * the store's transaction waits for the batch row.
 */
class ClosedBatchTest {
    static final String BUCKET = "bucket-a";
    static final String PREFIX = "lab/run-1/";
    static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    final TestDatabase db = TestDatabase.create();
    final JdbcObjectEventStore store = new JdbcObjectEventStore(db.database());
    int ids;

    @AfterEach
    void close() {
        db.close();
    }

    PlacedEvent created(String key, long size, String seq) {
        String id = String.format("evt-%06d", ++ids);
        return new PlacedEvent(new ObjectEvent(id, BUCKET, PREFIX + key, PREFIX + key, ObjectEvent.Kind.CREATED, size, "e", null,
                Sequencer.normalize(seq), T0), PREFIX);
    }

    static final String CLOSE = "UPDATE batch SET state = 'closed', trigger = 'quiet', closed_at = now() WHERE state = 'open'";

    /** Key -> batch state, for the prefix's batch objects. */
    private String holders() {
        StringBuilder out = new StringBuilder();
        try (Connection c = db.connect(); Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT o.object_key, b.state, b.object_count, b.total_bytes FROM batch_object o"
                        + " JOIN batch b USING (batch_id) ORDER BY o.object_key, b.state")) {
            while (rs.next()) {
                out.append(rs.getString(1).substring(PREFIX.length())).append('=').append(rs.getString(2)).append('/')
                        .append(rs.getInt(3)).append('/').append(rs.getLong(4)).append(' ');
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return out.toString().trim();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"new key", "overwritten key"})
    void aClosedBatchGainsNothingAndTheNextFileOpensANewBatch(String late) {
        store.record(List.of(created("a.csv", 10, "01"), created("b.csv", 20, "02")), T0);
        db.execute(CLOSE);

        String key = late.equals("new key") ? "c.csv" : "a.csv";
        store.record(List.of(created(key, 5, "03")), T0.plusSeconds(10));

        assertEquals(2, db.scalar("SELECT count(*) FROM batch WHERE prefix = ?", PREFIX));
        if (late.equals("new key")) {
            assertEquals("a.csv=closed/2/30 b.csv=closed/2/30 c.csv=open/1/5", holders());
        } else {
            assertEquals("a.csv=closed/2/30 a.csv=open/1/5 b.csv=closed/2/30", holders());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"new key", "overwritten key"})
    void aCloseThatCommitsWhileTheStoreWaitsSendsTheFileToTheNextBatch(String late) throws Exception {
        store.record(List.of(created("a.csv", 10, "01"), created("b.csv", 20, "02")), T0);
        String key = late.equals("new key") ? "c.csv" : "a.csv";
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection tick = db.connect()) {
            // Given a tick that locked the open batch, as its claim does, and closes it
            tick.setAutoCommit(false);
            try (Statement st = tick.createStatement()) {
                st.execute("SELECT 1 FROM batch WHERE state = 'open' FOR UPDATE");
                st.execute(CLOSE);
            }
            // When the store records a file for the prefix meanwhile, it waits for the row
            Future<?> recording = pool.submit(() -> store.record(List.of(created(key, 5, "03")), T0.plusSeconds(10)));
            Thread.sleep(500);
            assertFalse(recording.isDone(), "the store waits for the tick's lock");
            tick.commit();
            recording.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        // Then the closed batch is as the tick closed it and the file opened the next batch
        if (late.equals("new key")) {
            assertEquals("a.csv=closed/2/30 b.csv=closed/2/30 c.csv=open/1/5", holders());
        } else {
            assertEquals("a.csv=closed/2/30 a.csv=open/1/5 b.csv=closed/2/30", holders());
        }
    }

    @Test
    void theNextBatchHasItsOwnId() {
        store.record(List.of(created("a.csv", 10, "01")), T0);
        db.execute(CLOSE);
        store.record(List.of(created("b.csv", 10, "02")), T0);
        assertEquals(2, db.scalar("SELECT count(DISTINCT batch_id) FROM batch WHERE prefix = ?", PREFIX));
    }
}

package com.quiltdata.edp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.testing.InProcessS3;
import com.quiltdata.edp.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

class BackfillCommandTest {
    private static InProcessS3 s3;

    @BeforeAll
    static void startS3() {
        s3 = InProcessS3.start();
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    @Test
    void shouldRecordUnseenObjectsOnceWhenRunTwice() {
        // Given a bucket with objects EDP never saw, one with a space and a plus in its key
        TestDatabase db = TestDatabase.create();
        s3.createBucket("backfill-bucket", false);
        for (String key : new String[] {"lab/run-1/a.csv", "lab/run-1/b c+d.csv", "lab/run-2/x.csv", "other/y.csv"}) {
            s3.client().putObject(r -> r.bucket("backfill-bucket").key(key), RequestBody.fromString("data of " + key));
        }
        String[] args = {"backfill", "s3://backfill-bucket/lab/", "--endpoint-url", s3.endpoint().toString(),
            "--jdbc-url", db.jdbcUrl(), "--db-user", db.user(), "--db-password", db.password()};

        // When backfill runs twice
        CapturedTerminal first = new CapturedTerminal();
        assertEquals(0, first.run(args), first.err());
        CapturedTerminal second = new CapturedTerminal();
        assertEquals(0, second.run(args), second.err());

        // Then the three objects under lab/ were recorded once, in two batches, and the second run changed nothing
        assertTrue(first.out().contains("3 objects listed, 3 recorded, 0 already known"), first.out());
        assertTrue(second.out().contains("3 objects listed, 0 recorded, 3 already known"), second.out());
        assertEquals(3, db.scalar("SELECT count(*) FROM object_event"));
        assertEquals(1, db.scalar("SELECT count(*) FROM object_state WHERE object_key = 'lab/run-1/b c+d.csv'"));
        assertEquals(2, db.scalar("SELECT count(*) FROM batch WHERE state = 'open'"));
        assertEquals(2, db.scalar("SELECT object_count FROM batch WHERE prefix = 'lab/run-1/'"));

        // And status shows the open batches with when and why they fire
        CapturedTerminal status = new CapturedTerminal();
        assertEquals(0, status.run("status", "--jdbc-url", db.jdbcUrl(), "--db-user", db.user(), "--db-password", db.password()),
                status.err());
        assertTrue(status.out().contains("lab/run-1/") && status.out().contains("quiet: no activity for 5m"), status.out());
    }

    @Test
    void shouldReadAPercentEncodedPrefixAsPackageRequestsDo() {
        // Given objects under a folder whose name has a space, and the URL a package request would use for it
        TestDatabase db = TestDatabase.create();
        s3.createBucket("backfill-encoded", false);
        s3.client().putObject(r -> r.bucket("backfill-encoded").key("lab one/run-1/a.csv"), RequestBody.fromString("a"));
        s3.client().putObject(r -> r.bucket("backfill-encoded").key("lab%20one/decoy.csv"), RequestBody.fromString("not it"));
        // When backfill is given that URL
        CapturedTerminal run = new CapturedTerminal();
        assertEquals(0, run.run("backfill", "s3://backfill-encoded/lab%20one/", "--endpoint-url", s3.endpoint().toString(),
                "--jdbc-url", db.jdbcUrl(), "--db-user", db.user(), "--db-password", db.password()), run.err());
        // Then it lists the decoded folder (the old literal reading listed the key that merely spells the escape)
        assertTrue(run.out().contains("1 objects listed, 1 recorded"), run.out());
        assertEquals(1, db.scalar("SELECT count(*) FROM object_state WHERE object_key = 'lab one/run-1/a.csv'"));
        assertEquals(0, db.scalar("SELECT count(*) FROM object_state WHERE object_key = 'lab%20one/decoy.csv'"));
    }
}

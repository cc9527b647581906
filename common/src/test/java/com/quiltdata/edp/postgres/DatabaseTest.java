package com.quiltdata.edp.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.testing.SingleValue;
import com.quiltdata.edp.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DatabaseTest {
    static TestDatabase db;

    @BeforeAll
    static void create() {
        db = TestDatabase.create();
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    Database pool(Duration socketTimeout, int size) {
        return new Database(db.jdbcUrl(), db.user(), db::password,
                new ConnectionOptions(Duration.ofSeconds(5), socketTimeout, size));
    }

    static int backendPid(Database database) throws SQLException {
        return Integer.parseInt(SingleValue.of(database, "SELECT pg_backend_pid()"));
    }

    @Test
    void aHungServerFailsTheStatementAtTheSocketTimeoutAndTheNextUseGetsAFreshConnection() throws SQLException {
        try (Database database = pool(Duration.ofSeconds(1), 1)) {
            int before = backendPid(database);
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> database.inTransaction(c -> {
                try (Statement st = c.createStatement()) {
                    return st.execute("SELECT pg_sleep(20)");
                }
            }));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis < 10_000, "the statement was given up after " + tookMillis + " ms, not at the 1 s socket timeout");
            assertTrue(String.valueOf(e.getSQLState()).startsWith("08"), "a connection failure, got " + e.getSQLState() + " " + e);
            assertNotEquals(before, backendPid(database), "the timed-out connection is not reused");
        }
    }

    @Test
    void aConnectionCutWhileIdleIsReplacedBeforeUse() throws Exception {
        try (Database database = pool(Duration.ofSeconds(30), 1)) {
            int before = backendPid(database);
            db.execute("SELECT pg_terminate_backend(" + before + ")");
            Thread.sleep(700); // past the pool's half-second window in which a connection is trusted without a check
            int after = backendPid(database);
            assertNotEquals(before, after);
        }
    }

    @Test
    void severalWorkersHoldTransactionsAtOnceFromOnePool() throws Exception {
        int workers = 3;
        CyclicBarrier allInside = new CyclicBarrier(workers);
        ExecutorService threads = Executors.newFixedThreadPool(workers);
        try (Database database = pool(Duration.ofSeconds(30), workers)) {
            List<Future<Integer>> pids = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                pids.add(threads.submit(() -> database.inTransaction(c -> {
                    try {
                        // every worker is inside its transaction before any finishes
                        allInside.await(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("the workers did not hold transactions at the same time", e);
                    }
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                        rs.next();
                        return rs.getInt(1);
                    }
                })));
            }
            Set<Integer> distinct = new HashSet<>();
            for (Future<Integer> pid : pids) {
                distinct.add(pid.get(30, TimeUnit.SECONDS));
            }
            assertEquals(workers, distinct.size());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void nothingConnectsBeforeTheFirstUseAndAnUnreachableServerIsASqlException() {
        long start = System.nanoTime();
        try (Database down = new Database("jdbc:postgresql://127.0.0.1:1/none", "x", () -> "x",
                new ConnectionOptions(Duration.ofSeconds(1), Duration.ofSeconds(1), 1))) {
            assertThrows(SQLException.class, () -> backendPid(down));
        }
        assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000);
    }

    @Test
    void aRolledBackTransactionLeavesNothingAndTheConnectionGoesBackToThePool() throws SQLException {
        db.execute("CREATE TABLE IF NOT EXISTS rollback_probe (n int)");
        try (Database database = pool(Duration.ofSeconds(30), 1)) {
            assertThrows(IllegalStateException.class, () -> database.inTransaction(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("INSERT INTO rollback_probe VALUES (1)");
                }
                throw new IllegalStateException("the work failed");
            }));
            // a pool of one: this would wait for the connection if the failed transaction had kept it
            try (Connection c = database.begin()) {
                c.rollback();
            }
            assertEquals(0, db.scalar("SELECT count(*) FROM rollback_probe"));
        }
    }
}

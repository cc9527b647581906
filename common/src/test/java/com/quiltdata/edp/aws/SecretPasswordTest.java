package com.quiltdata.edp.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.postgres.ConnectionOptions;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.testing.FakeSecretsManager;
import com.quiltdata.edp.testing.MutableClock;
import com.quiltdata.edp.testing.PasswordRole;
import com.quiltdata.edp.testing.SingleValue;
import com.quiltdata.edp.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SecretPasswordTest {
    static final String ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:edp-db-AbCdEf";
    static TestDatabase db;
    static FakeSecretsManager secrets;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        secrets = FakeSecretsManager.start();
    }

    @AfterAll
    static void stop() {
        secrets.close();
    }

    /** The JSON of an RDS-managed master user secret, written by a JSON library as AWS writes it. */
    static String managedSecret(String user, String password) {
        Map<String, String> secret = new LinkedHashMap<>();
        secret.put("username", user);
        secret.put("password", password);
        return Json.write(secret);
    }

    Database database(PasswordRole role, SecretPassword password) {
        return new Database(role.jdbcUrl(), role.name(), password,
                new ConnectionOptions(Duration.ofSeconds(5), Duration.ofSeconds(30), 1));
    }

    /** A role whose server password is {@code serverPassword}, and the secret {@code arn} saying {@code secretPassword}. */
    static PasswordRole roleAndSecret(String arn, String serverPassword, String secretPassword) {
        assumeTrue(TestDatabase.isEmbedded(), "needs the embedded server, whose pg_hba.conf the test edits");
        PasswordRole role = PasswordRole.create(db, serverPassword);
        secrets.put(arn, managedSecret(role.name(), secretPassword));
        return role;
    }

    static String currentUser(Database database) throws SQLException {
        return SingleValue.of(database, "SELECT current_user");
    }

    @Test
    void aWarmFunctionLogsInAgainAfterTheSecretWasRotated() throws Exception {
        String arn = ARN + "-rotated";
        PasswordRole role = roleAndSecret(arn, "before-rotation-1", "before-rotation-1");
        SecretPassword password = new SecretPassword(secrets.client(), arn);
        try (Database database = database(role, password)) {
            assertEquals(role.name(), currentUser(database));
            int readsBefore = secrets.reads();

            // the rotation: the server's password and the secret change; the warm pool still holds
            // the old password, and its connection is then cut (failover, a restored snapshot)
            role.changePassword("after-rotation-2");
            secrets.put(arn, managedSecret(role.name(), "after-rotation-2"));
            role.cutConnections();
            Thread.sleep(700);

            assertEquals(role.name(), currentUser(database));
            assertEquals(readsBefore + 1, secrets.reads(), "the secret is read again once, after the refused login");
        }
    }

    @Test
    void everyPasswordRdsAcceptsSurvivesTheJsonSecret() throws SQLException {
        String awkward = "a\\b\"c'd/e@f {g} \\\"h";
        String arn = ARN + "-awkward";
        PasswordRole role = roleAndSecret(arn, awkward, awkward);
        try (Database database = database(role, new SecretPassword(secrets.client(), arn))) {
            assertEquals(role.name(), currentUser(database));
        }
    }

    @Test
    void aSecretThatStaysWrongIsNotReadAgainOnEveryLogin() throws SQLException {
        String arn = ARN + "-wrong";
        PasswordRole role = roleAndSecret(arn, "the-real-one", "a-wrong-one");
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-01T10:00:00Z"));
        SecretPassword password = new SecretPassword(secrets.client(), arn, clock);
        int readsBefore = secrets.reads();
        try (Database database = database(role, password)) {
            SQLException refused = assertThrows(SQLException.class, () -> currentUser(database));
            assertEquals("28P01", rootSqlState(refused), refused.toString());
        }
        // the first login read the secret, the refusal read it once more, and the pool's own
        // retries within the rereading interval did not read it again
        assertEquals(readsBefore + 2, secrets.reads());
    }

    static String rootSqlState(SQLException e) {
        Throwable t = e;
        String state = e.getSQLState();
        while (t != null) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                state = s.getSQLState();
            }
            t = t.getCause();
        }
        return state;
    }

    @Test
    void thePasswordIsTheFieldOfAJsonSecretOrTheWholeString() {
        assertEquals("p\\w\"d", SecretPassword.passwordFrom("{\"username\":\"edp\",\"password\":\"p\\\\w\\\"d\"}"));
        assertEquals("plain", SecretPassword.passwordFrom("plain"));
        assertEquals("{not json", SecretPassword.passwordFrom("{not json"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SecretPassword.passwordFrom("{\"username\":\"edp\"}"));
        assertEquals("the database secret is JSON without a \"password\" text field", e.getMessage());
    }
}

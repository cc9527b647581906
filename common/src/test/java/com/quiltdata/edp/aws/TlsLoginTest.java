package com.quiltdata.edp.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.quiltdata.edp.config.DatabaseSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.testing.SingleValue;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DB_SSLMODE and DB_SSLROOTCERT against a PostgreSQL that serves TLS with a certificate for
 * "localhost" signed by a CA of the test's own, made with the openssl command.
 */
class TlsLoginTest {
    @TempDir
    static Path certs;
    static EmbeddedPostgres server;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(run(certs, "openssl", "version"), "needs the openssl command to make certificates");
        assumeTrue(run(certs, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-days", "2", "-subj", "/CN=edp test CA"));
        assumeTrue(run(certs, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other-ca.pem",
                "-days", "2", "-subj", "/CN=another CA"));
        assumeTrue(run(certs, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=localhost"));
        Files.writeString(certs.resolve("san.ext"), "subjectAltName=DNS:localhost\n");
        assumeTrue(run(certs, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "2", "-extfile", "san.ext"));
        Files.setPosixFilePermissions(certs.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
        server = EmbeddedPostgres.builder()
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", certs.resolve("server.crt").toString())
                .setServerConfig("ssl_key_file", certs.resolve("server.key").toString())
                .start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    static boolean run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor() == 0;
    }

    static Database database(String host, String sslMode, String rootCert) {
        Env env = new Env(Map.of("DB_HOST", host, "DB_PORT", String.valueOf(server.getPort()), "DB_NAME", "postgres",
                "DB_USER", "postgres", "DB_PASSWORD", "postgres", "DB_SSLMODE", sslMode,
                "DB_SSLROOTCERT", certs.resolve(rootCert).toString(), "DB_CONNECT_TIMEOUT", "5"));
        DatabaseSettings settings = DatabaseSettings.from(env);
        env.validate();
        return Databases.connect(settings, "us-east-1");
    }

    static boolean encrypted(Database database) throws SQLException {
        return Boolean.parseBoolean(SingleValue.of(database, "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
    }

    @Test
    void verifyFullLogsInToTheServerItsBundleVouchesFor() throws SQLException {
        try (Database database = database("localhost", "verify-full", "ca.pem")) {
            assertTrue(encrypted(database));
        }
    }

    @Test
    void verifyFullRefusesAServerSignedByAnotherCa() {
        try (Database database = database("localhost", "verify-full", "other-ca.pem")) {
            SQLException e = assertThrows(SQLException.class, () -> encrypted(database));
            assertEquals("08006", e.getSQLState(), e.toString());
        }
    }

    @Test
    void verifyFullRefusesAHostNameTheCertificateDoesNotNameWhereVerifyCaAcceptsIt() throws SQLException {
        try (Database database = database("127.0.0.1", "verify-full", "ca.pem")) {
            assertThrows(SQLException.class, () -> encrypted(database));
        }
        try (Database database = database("127.0.0.1", "verify-ca", "ca.pem")) {
            assertTrue(encrypted(database));
        }
    }

    @Test
    void requireEncryptsWithoutABundle() throws SQLException {
        Env env = new Env(Map.of("DB_HOST", "127.0.0.1", "DB_PORT", String.valueOf(server.getPort()), "DB_NAME", "postgres",
                "DB_USER", "postgres", "DB_PASSWORD", "postgres"));
        DatabaseSettings settings = DatabaseSettings.from(env);
        env.validate();
        try (Database database = Databases.connect(settings, "us-east-1")) {
            assertTrue(encrypted(database));
        }
    }
}

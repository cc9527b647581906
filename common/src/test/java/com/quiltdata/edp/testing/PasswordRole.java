package com.quiltdata.edp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A login role of the test server whose password is checked: the embedded server trusts local
 * logins, so this role gets pg_hba lines of its own that ask for scram-sha-256, as RDS does.
 */
public final class PasswordRole {
    private static final AtomicInteger ROLES = new AtomicInteger();

    private final TestDatabase db;
    private final String name;

    private PasswordRole(TestDatabase db, String name) {
        this.db = db;
        this.name = name;
    }

    /** A new role with this password; only possible on the embedded server, whose pg_hba.conf this process can write. */
    public static PasswordRole create(TestDatabase db, String password) {
        String name = "login_" + ProcessHandle.current().pid() + "_" + ROLES.incrementAndGet();
        PasswordRole role = new PasswordRole(db, name);
        db.execute("CREATE ROLE " + name + " LOGIN PASSWORD " + literal(password));
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW hba_file")) {
            rs.next();
            Path hba = Path.of(rs.getString(1));
            String lines = "host all " + name + " 127.0.0.1/32 scram-sha-256\nhost all " + name + " ::1/128 scram-sha-256\n";
            synchronized (PasswordRole.class) {
                // pg_hba is read top-down, first match wins: these lines go before the trust lines
                Files.writeString(hba, lines + Files.readString(hba));
            }
            st.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        role.awaitPasswordChecked();
        return role;
    }

    /** The server rereads pg_hba.conf after the reload signal, not at once: wait until a wrong password is refused. */
    private void awaitPasswordChecked() {
        long giveUp = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < giveUp) {
            try (Connection c = DriverManager.getConnection(jdbcUrl(), name, "not-the-password")) {
                Thread.sleep(50);
            } catch (SQLException refused) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("the server still lets " + name + " in without its password");
    }

    public String name() {
        return name;
    }

    /** The test database's URL without the user the embedded server's URL names (it would win over the login's user). */
    public String jdbcUrl() {
        return db.jdbcUrl().replaceAll("([?&])(user|password)=[^&]*&?", "$1").replaceAll("[?&]$", "");
    }

    /** What a rotation does on the server side. */
    public void changePassword(String password) {
        db.execute("ALTER ROLE " + name + " PASSWORD " + literal(password));
    }

    /** Ends every session of the role, as a failover or a restored snapshot does. */
    public void cutConnections() {
        db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + name + "'");
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}

package com.quiltdata.edp.cli.local;

import com.quiltdata.edp.cli.DatabaseLogin;
import com.quiltdata.edp.cli.UsageException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL server run by this process, its data kept in a directory that outlives it, so a
 * restart finds every event recorded before.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedDatabase start(Path dataDirectory) {
        try {
            Files.createDirectories(dataDirectory);
        } catch (IOException e) {
            throw new UsageException("cannot create " + dataDirectory + ": " + e.getMessage(),
                    "check that the folder is writable, or pass --jdbc-url to use a PostgreSQL server");
        }
        try {
            return new EmbeddedDatabase(EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .start());
        } catch (IOException | RuntimeException e) {
            throw new UsageException("cannot start the embedded PostgreSQL in " + dataDirectory + ": " + e.getMessage(),
                    "is another 'edp local' running on this folder? Stop it first, or pass --jdbc-url to use a PostgreSQL server");
        }
    }

    public DatabaseLogin login() {
        return new DatabaseLogin(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the embedded PostgreSQL", e);
        }
    }
}

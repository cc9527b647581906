package com.quiltdata.edp.store.postgres;

import com.quiltdata.edp.postgres.Database;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies db/migrations (packaged into this jar as classpath:db/migration) with Flyway. */
public final class DatabaseMigrator {
    private DatabaseMigrator() {}

    public static MigrateResult migrate(String jdbcUrl, String user, String password) {
        return Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }
}

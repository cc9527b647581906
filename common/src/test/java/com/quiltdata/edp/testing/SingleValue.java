package com.quiltdata.edp.testing;

import com.quiltdata.edp.postgres.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Asks a {@link Database} one question whose answer is one value, in a transaction of its own. */
public final class SingleValue {
    private SingleValue() {}

    public static String of(Database database, String sql) throws SQLException {
        return database.inTransaction(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getString(1);
            }
        });
    }
}

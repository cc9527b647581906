package com.quiltdata.edp.store.postgres;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.postgresql.PGConnection;

/**
 * Rows for one {@code COPY table (columns) FROM STDIN} in PostgreSQL's text format. COPY is the
 * cheapest way to add rows: no per-row conflict check, no statement per row, no array parsing.
 */
final class CopyRows {
    private final String copySql;
    private final StringBuilder text = new StringBuilder(64 * 1024);
    private boolean lineStarted;
    private int rows;

    CopyRows(String table, String columns) {
        this.copySql = "COPY " + table + " (" + columns + ") FROM STDIN";
    }

    CopyRows text(String value) {
        separate();
        if (value == null) {
            text.append("\\N");
            return this;
        }
        // Escape what the text format treats specially; S3 keys may hold any of these. Values
        // without them (nearly all) are appended whole, which is much cheaper than char by char.
        int from = 0;
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch > '\r' && ch != '\\') {
                continue;
            }
            String escaped = switch (ch) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                default -> null;
            };
            if (escaped != null) {
                text.append(value, from, i).append(escaped);
                from = i + 1;
            }
        }
        text.append(value, from, value.length());
        return this;
    }

    CopyRows number(Long value) {
        separate();
        text.append(value == null ? "\\N" : value.toString());
        return this;
    }

    CopyRows bool(boolean value) {
        separate();
        text.append(value ? 't' : 'f');
        return this;
    }

    /** ISO-8601 with its 'Z', so no session time zone can shift it. */
    CopyRows time(Instant value) {
        return text(value.toString());
    }

    CopyRows endRow() {
        text.append('\n');
        lineStarted = false;
        rows++;
        return this;
    }

    int rows() {
        return rows;
    }

    void copyInto(Connection c) throws SQLException {
        if (rows == 0) {
            return;
        }
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql, new StringReader(text.toString()));
        } catch (java.io.IOException e) {
            throw new SQLException("COPY failed: " + e.getMessage(), e);
        }
    }

    private void separate() {
        if (lineStarted) {
            text.append('\t');
        }
        lineStarted = true;
    }
}

package com.quiltdata.edp.store.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows for one {@code COPY table (columns) FROM STDIN (FORMAT binary)}. COPY is the cheapest way
 * to add rows: no per-row conflict check, no statement per row, no array parsing. The binary format
 * also spares the server from parsing timestamps and numbers out of text, and needs no escaping:
 * a key may hold tabs, newlines or backslashes as it is.
 *
 * The caller writes each row's values in the order of {@code columns}, with the method matching
 * the column's type (text, bigint, boolean, timestamptz, uuid).
 */
final class CopyRows {
    /** The signature, flags and header-extension length that open every binary COPY stream. */
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /** Seconds from the Unix epoch to PostgreSQL's, 2000-01-01T00:00:00Z. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

    private final String copySql;
    private final short columnCount;
    /**
     * The stream so far, in a plain array: ByteArrayOutputStream synchronises every byte written,
     * and its bytes were the store's hottest frames in a profile of the interleaved order.
     */
    private byte[] bytes = new byte[64 * 1024];
    private int length;
    private boolean rowStarted;
    private int rows;

    CopyRows(String table, String columns) {
        this.copySql = "COPY " + table + " (" + columns + ") FROM STDIN (FORMAT binary)";
        this.columnCount = (short) columns.split(",").length;
        write(HEADER, HEADER.length);
    }

    CopyRows text(String value) {
        if (value == null) {
            return nullValue();
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        field(utf8.length);
        write(utf8, utf8.length);
        return this;
    }

    CopyRows number(Long value) {
        if (value == null) {
            return nullValue();
        }
        field(8);
        writeLong(value);
        return this;
    }

    CopyRows bool(boolean value) {
        field(1);
        writeByte(value ? 1 : 0);
        return this;
    }

    /** timestamptz: microseconds since 2000-01-01 UTC, rounded as PostgreSQL rounds text input. */
    CopyRows time(Instant value) {
        field(8);
        long micros = Math.addExact(Math.multiplyExact(value.getEpochSecond() - POSTGRES_EPOCH_SECONDS, 1_000_000L),
                (value.getNano() + 500) / 1000);
        writeLong(micros);
        return this;
    }

    CopyRows uuid(UUID value) {
        field(16);
        writeLong(value.getMostSignificantBits());
        writeLong(value.getLeastSignificantBits());
        return this;
    }

    CopyRows endRow() {
        rowStarted = false;
        rows++;
        return this;
    }

    void copyInto(Connection c) throws SQLException {
        if (rows == 0) {
            return;
        }
        writeShort(-1); // end of data
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        try {
            copy.writeToCopy(bytes, 0, length);
            copy.endCopy();
        } finally {
            if (copy.isActive()) { // the write failed: end the COPY so the connection stays usable
                copy.cancelCopy();
            }
        }
    }

    private CopyRows nullValue() {
        field(-1);
        return this;
    }

    /** Starts a field of the given byte length (-1 for NULL), and the row before its first field. */
    private void field(int length) {
        if (!rowStarted) {
            writeShort(columnCount);
            rowStarted = true;
        }
        writeInt(length);
    }

    private void write(byte[] source, int count) {
        ensure(count);
        System.arraycopy(source, 0, bytes, length, count);
        length += count;
    }

    private void writeByte(int v) {
        ensure(1);
        bytes[length++] = (byte) v;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    // big-endian, as the format wants
    private void writeShort(int v) {
        ensure(2);
        bytes[length++] = (byte) (v >>> 8);
        bytes[length++] = (byte) v;
    }

    private void writeInt(int v) {
        writeShort(v >>> 16);
        writeShort(v);
    }

    private void writeLong(long v) {
        writeInt((int) (v >>> 32));
        writeInt((int) v);
    }
}

package com.quiltdata.edp.packager.domain;

import com.quiltdata.edp.observe.Bounded;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Streams a manifest (JSON Lines) to an output while computing its top hash, so a package of any
 * size costs one line of memory at a time. Entries must come in tree-walk order.
 */
public final class ManifestWriter {
    /** quilt3 refuses manifest lines of this many UTF-8 bytes or more. */
    public static final int MAX_LINE_BYTES = 1_000_000;

    private final OutputStream out;
    private final MessageDigest topHash = ChunkedChecksum.sha256();
    private String previousKey;
    private long bytes;
    private long entries;
    private long totalSize;
    private boolean finished;

    public ManifestWriter(OutputStream out, ManifestHeader header) throws IOException {
        this.out = out;
        writeLine(header.line(), "package metadata");
        topHash.update(header.canonical().getBytes(StandardCharsets.US_ASCII));
    }

    public void add(ManifestEntry entry) throws IOException {
        if (finished) {
            throw new IllegalStateException("the manifest is finished; no entry can follow");
        }
        if (previousKey != null && LogicalKeys.compare(previousKey, entry.logicalKey()) >= 0) {
            throw new IllegalArgumentException("entries out of tree-walk order or repeated: " + Bounded.quoted(previousKey)
                    + " then " + Bounded.quoted(entry.logicalKey()));
        }
        if (previousKey != null && entry.logicalKey().startsWith(previousKey + "/")) {
            throw new IllegalArgumentException(Bounded.quoted(previousKey) + " is both a file and a directory");
        }
        previousKey = entry.logicalKey();
        writeLine(entry.line(), "entry with logical key " + entry.logicalKey());
        topHash.update(entry.canonical().getBytes(StandardCharsets.US_ASCII));
        entries++;
        totalSize += entry.size();
    }

    private void writeLine(String line, String what) throws IOException {
        byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
        if (utf8.length + 1 >= MAX_LINE_BYTES) {
            throw new ManifestTooLargeException("Size of manifest record for " + what + " is " + (utf8.length + 1)
                    + " bytes, quilt3 accepts less than " + MAX_LINE_BYTES);
        }
        out.write(utf8);
        out.write('\n');
        bytes += utf8.length + 1L;
    }

    /**
     * Ends the manifest and says what was written. Once only: the top hash's digest cannot be read
     * twice, so a second call is an error rather than a wrong hash.
     */
    public Written finish() {
        if (finished) {
            throw new IllegalStateException("the manifest is already finished");
        }
        finished = true;
        return new Written(HexFormat.of().formatHex(topHash.digest()), bytes, entries, totalSize);
    }

    /**
     * @param topHash   the package's top hash
     * @param bytes     the manifest's size in bytes
     * @param entries   its file entries
     * @param totalSize the sum of the entries' sizes
     */
    public record Written(String topHash, long bytes, long entries, long totalSize) {}
}

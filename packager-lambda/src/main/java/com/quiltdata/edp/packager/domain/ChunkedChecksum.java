package com.quiltdata.edp.packager.domain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * quilt3's {@code sha2-256-chunked}: SHA-256 of the concatenated SHA-256 digests of consecutive
 * chunks (8 MiB, doubled while there would be more than 10,000), base64. Feed bytes with
 * {@link #update}; memory stays at one digest per chunk, never the bytes.
 */
public final class ChunkedChecksum implements StreamingHash {
    public static final long MIN_CHUNK = 8L * 1024 * 1024;
    public static final int MAX_PARTS = 10_000;
    /** base64(sha256 of nothing), the value of an empty object (zero parts). */
    public static final String EMPTY = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    private final long size;
    private final long chunkSize;
    private final MessageDigest part = sha256();
    private final MessageDigest outer = sha256();
    private long inPart;
    private long total;

    public ChunkedChecksum(long size) {
        this.size = size;
        this.chunkSize = chunkSize(size);
    }

    /** 8 MiB doubled while ceil(size / chunk) > 10,000. */
    public static long chunkSize(long size) {
        long chunk = MIN_CHUNK;
        while ((size + chunk - 1) / chunk > MAX_PARTS) {
            chunk *= 2;
        }
        return chunk;
    }

    /** The part sizes S3 must report for its composite checksum to equal the Quilt value. */
    public static long[] partSizes(long size) {
        long chunk = chunkSize(size);
        int parts = (int) ((size + chunk - 1) / chunk);
        long[] sizes = new long[parts];
        for (int i = 0; i < parts; i++) {
            sizes[i] = Math.min(chunk, size - i * chunk);
        }
        return sizes;
    }

    @Override
    public void update(byte[] buffer, int offset, int length) {
        while (length > 0) {
            int n = (int) Math.min(length, chunkSize - inPart);
            part.update(buffer, offset, n);
            inPart += n;
            total += n;
            offset += n;
            length -= n;
            if (inPart == chunkSize) {
                outer.update(part.digest());
                inPart = 0;
            }
        }
    }

    @Override
    public Checksum finish() {
        if (total != size) {
            throw new IllegalStateException("hashed " + total + " bytes of an object of " + size + " bytes");
        }
        if (inPart > 0) {
            outer.update(part.digest());
            inPart = 0;
        }
        return Checksum.chunked(Base64.getEncoder().encodeToString(outer.digest()));
    }

    /** The value from the raw SHA-256 digests of the parts, in order (zero parts = empty object). */
    public static Checksum fromPartDigests(List<byte[]> digests) {
        MessageDigest md = sha256();
        for (byte[] d : digests) {
            md.update(d);
        }
        return Checksum.chunked(Base64.getEncoder().encodeToString(md.digest()));
    }

    /**
     * The value from an S3 full-object SHA-256 ({@code ChecksumSHA256} of a single PUT or COPY): valid
     * for 0 &lt; size &le; 8 MiB, where the object is one chunk; the empty object's value is the constant.
     */
    public static Checksum fromFullObjectSha256(String base64, long size) {
        if (size == 0) {
            return Checksum.chunked(EMPTY);
        }
        if (size > MIN_CHUNK) {
            throw new IllegalArgumentException("a full-object SHA-256 gives the chunked value only up to 8 MiB, not " + size);
        }
        return fromPartDigests(List.of(Base64.getDecoder().decode(base64)));
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}

package com.quiltdata.edp.packager.domain;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

/**
 * CRC-64/NVME, the full-object checksum S3 stores by default: reflected polynomial
 * 0x9A6C9329AC4BC9B5, initial value and final xor all ones. The manifest value ({@code CRC64NVME})
 * is base64 of the 8-byte big-endian CRC. Slice-by-8 tables: the SDK's own implementation needs the
 * native CRT library, which the Lambda jar does not carry.
 */
public final class Crc64Nvme implements StreamingHash {
    /** The value of an empty object. */
    public static final String EMPTY = "AAAAAAAAAAA=";
    private static final long POLY = 0x9A6C9329AC4BC9B5L;
    private static final long[][] TABLE = tables();
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long size;
    private long crc = -1L;
    private long total;

    /** @param size the bytes expected, checked by {@link #finish} */
    public Crc64Nvme(long size) {
        this.size = size;
    }

    private static long[][] tables() {
        long[][] t = new long[8][256];
        for (int i = 0; i < 256; i++) {
            long c = i;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY : c >>> 1;
            }
            t[0][i] = c;
        }
        for (int k = 1; k < 8; k++) {
            for (int i = 0; i < 256; i++) {
                long prev = t[k - 1][i];
                t[k][i] = (prev >>> 8) ^ t[0][(int) (prev & 0xff)];
            }
        }
        return t;
    }

    @Override
    public void update(byte[] buffer, int offset, int length) {
        long c = crc;
        int i = offset;
        int end = offset + length;
        long[] t0 = TABLE[0], t1 = TABLE[1], t2 = TABLE[2], t3 = TABLE[3];
        long[] t4 = TABLE[4], t5 = TABLE[5], t6 = TABLE[6], t7 = TABLE[7];
        for (; i + 8 <= end; i += 8) {
            long x = c ^ (long) LONG_LE.get(buffer, i);
            c = t7[(int) (x & 0xff)] ^ t6[(int) ((x >>> 8) & 0xff)] ^ t5[(int) ((x >>> 16) & 0xff)]
                    ^ t4[(int) ((x >>> 24) & 0xff)] ^ t3[(int) ((x >>> 32) & 0xff)] ^ t2[(int) ((x >>> 40) & 0xff)]
                    ^ t1[(int) ((x >>> 48) & 0xff)] ^ t0[(int) (x >>> 56)];
        }
        for (; i < end; i++) {
            c = (c >>> 8) ^ t0[(int) ((c ^ buffer[i]) & 0xff)];
        }
        crc = c;
        total += length;
    }

    /** The CRC of the bytes so far (final xor applied). */
    public long value() {
        return ~crc;
    }

    @Override
    public Checksum finish() {
        if (total != size) {
            throw new IllegalStateException("hashed " + total + " bytes of an object of " + size + " bytes");
        }
        return Checksum.crc64(encode(value()));
    }

    /** Base64 of the 8-byte big-endian value, as S3 and quilt3 write it. */
    public static String encode(long crc) {
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (crc >>> (56 - 8 * i));
        }
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The inverse of {@link #encode}; fails on anything but 8 bytes of base64. */
    public static long decode(String base64) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        if (bytes.length != 8) {
            throw new IllegalArgumentException("a CRC64NVME value has 8 bytes, got " + bytes.length + ": " + base64);
        }
        long crc = 0;
        for (byte b : bytes) {
            crc = (crc << 8) | (b & 0xff);
        }
        return crc;
    }

    /**
     * The CRC of A followed by B from crc(A), crc(B) and B's length (zlib's crc32_combine for 64 bits):
     * how the CRCs of consecutive copied parts give the whole object's.
     */
    public static long combine(long crcA, long crcB, long lengthB) {
        if (lengthB <= 0) {
            return crcA;
        }
        long[] odd = new long[64];
        long[] even = new long[64];
        odd[0] = POLY; // the operator for one zero bit
        long row = 1;
        for (int n = 1; n < 64; n++) {
            odd[n] = row;
            row <<= 1;
        }
        square(even, odd); // two zero bits
        square(odd, even); // four zero bits
        long len = lengthB;
        long crc = crcA;
        do {
            square(even, odd); // first pass: one zero byte
            if ((len & 1) != 0) {
                crc = times(even, crc);
            }
            len >>>= 1;
            if (len == 0) {
                break;
            }
            square(odd, even);
            if ((len & 1) != 0) {
                crc = times(odd, crc);
            }
            len >>>= 1;
        } while (len != 0);
        return crc ^ crcB;
    }

    /** The whole object's value from the base64 CRCs of consecutive parts of the given sizes. */
    public static Checksum fromPartCrcs(List<String> partCrcs, long[] sizes) {
        if (partCrcs.size() != sizes.length || sizes.length == 0) {
            throw new IllegalArgumentException(partCrcs.size() + " part CRCs for " + sizes.length + " parts");
        }
        long crc = decode(partCrcs.get(0));
        for (int i = 1; i < sizes.length; i++) {
            crc = combine(crc, decode(partCrcs.get(i)), sizes[i]);
        }
        return Checksum.crc64(encode(crc));
    }

    private static long times(long[] matrix, long vector) {
        long sum = 0;
        for (int i = 0; vector != 0; i++, vector >>>= 1) {
            if ((vector & 1) != 0) {
                sum ^= matrix[i];
            }
        }
        return sum;
    }

    private static void square(long[] square, long[] matrix) {
        for (int n = 0; n < 64; n++) {
            square[n] = times(matrix, matrix[n]);
        }
    }
}

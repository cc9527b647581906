package com.quiltdata.edp.packager.domain;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The hash type the packager writes in new manifests. {@code sha2-256-chunked} is what every quilt3
 * reads; {@code CRC64NVME} (quilt3 7.2.0 and later) is the checksum S3 stores for every new object by
 * default, so packaging needs no bytes read.
 */
public enum HashType {
    SHA2_256_CHUNKED(Checksum.SHA2_256_CHUNKED),
    CRC64NVME(Checksum.CRC64NVME);

    private final String manifestName;

    HashType(String manifestName) {
        this.manifestName = manifestName;
    }

    /** The {@code hash.type} string in a manifest entry. */
    public String manifestName() {
        return manifestName;
    }

    /** The type named as in a manifest entry ({@code sha2-256-chunked}, {@code CRC64NVME}), case-insensitive. */
    public static HashType parse(String name) {
        for (HashType t : values()) {
            if (t.manifestName.equalsIgnoreCase(name.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown hash type '" + name + "', expected one of " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(HashType::manifestName).collect(Collectors.joining(", "));
    }

    /** The entry hash of an object of zero bytes. */
    public Checksum empty() {
        return this == CRC64NVME ? Checksum.crc64(Crc64Nvme.EMPTY) : Checksum.chunked(ChunkedChecksum.EMPTY);
    }

    /** A hash to feed an object's {@code size} bytes. */
    public StreamingHash streaming(long size) {
        return this == CRC64NVME ? new Crc64Nvme(size) : new ChunkedChecksum(size);
    }
}

package com.quiltdata.edp.packager.domain;

/** An entry's hash object: {@code {"type": ..., "value": ...}}. */
public record Checksum(String type, String value) {
    public static final String SHA2_256_CHUNKED = "sha2-256-chunked";
    public static final String SHA256 = "SHA256";
    public static final String CRC64NVME = "CRC64NVME";

    public static Checksum chunked(String base64) {
        return new Checksum(SHA2_256_CHUNKED, base64);
    }

    public static Checksum crc64(String base64) {
        return new Checksum(CRC64NVME, base64);
    }
}

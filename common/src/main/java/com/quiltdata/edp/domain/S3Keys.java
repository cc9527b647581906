package com.quiltdata.edp.domain;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** S3 keys in event notifications are form-encoded; they are decoded exactly once, here. */
public final class S3Keys {
    /** S3's limit on a key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    private S3Keys() {}

    /** "a+b%2Bc" becomes "a b+c". Throws {@link IllegalArgumentException} for a malformed escape. */
    public static String decode(String rawKey) {
        String key = URLDecoder.decode(rawKey, StandardCharsets.UTF_8);
        if (key.isEmpty()) {
            throw new IllegalArgumentException("object key is empty");
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("object key is " + bytes + " bytes, over S3's limit of " + MAX_KEY_BYTES);
        }
        return key;
    }
}

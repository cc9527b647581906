package com.quiltdata.edp.packager.domain;

import com.quiltdata.edp.domain.S3Url;
import com.quiltdata.edp.observe.Bounded;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Where an entry's bytes are: an S3 object, pinned to a version when the bucket has one, or a local
 * file. A local file is quilt3's {@code PhysicalKey} with bucket {@code None}: {@code bucket} is null,
 * {@code key} the absolute path, and there is no version ({@link #file}, {@link #isLocal}).
 */
public record PhysicalKey(String bucket, String key, Optional<String> versionId) {

    public PhysicalKey {
        versionId = versionId == null ? Optional.empty() : versionId;
        if (bucket == null) {
            if (key == null || !key.startsWith("/")) {
                throw new IllegalArgumentException("a local physical key needs an absolute path, got " + Bounded.text(key));
            }
            if (versionId.isPresent()) {
                throw new IllegalArgumentException("a local physical key has no version");
            }
        } else if (bucket.isEmpty()) {
            throw new IllegalArgumentException("a physical key needs a bucket");
        }
    }

    public static PhysicalKey of(String bucket, String key, String versionId) {
        return new PhysicalKey(bucket, key, Optional.ofNullable(versionId));
    }

    /** A local file, written as {@code file:///abs/path} (a local registry's physical keys). */
    public static PhysicalKey file(java.nio.file.Path path) {
        String absolute = path.toAbsolutePath().normalize().toString().replace(java.io.File.separatorChar, '/');
        return new PhysicalKey(null, absolute.startsWith("/") ? absolute : "/" + absolute, Optional.empty());
    }

    public boolean isLocal() {
        return bucket == null;
    }

    /**
     * Parses {@code s3://bucket/key?versionId=v} as quilt3 does: the path is percent-decoded
     * ({@code +} stays {@code +}), the query may hold only {@code versionId} (form-decoded), a
     * {@code #fragment} is dropped.
     */
    public static PhysicalKey parse(String url) {
        if (url != null && url.startsWith("file://")) {
            return parseFile(url);
        }
        S3Url split = S3Url.split(url);
        String versionId = null;
        for (Map.Entry<String, String> param : split.parameters()) {
            if (!param.getKey().equals("versionId")) {
                throw new IllegalArgumentException("unexpected query parameter " + Bounded.quoted(param.getKey()) + " in " + Bounded.text(url));
            }
            if (versionId == null) {
                versionId = param.getValue();
            }
        }
        String bucket = split.bucket();
        String key = split.decodedPath();
        return PhysicalKey.of(bucket, key, versionId);
    }

    /** {@code file:///abs/path} (or {@code file://localhost/abs/path}), percent-decoded as quilt3 does. */
    private static PhysicalKey parseFile(String url) {
        String rest = url.substring("file://".length());
        int cut = rest.length();
        for (char c : new char[] {'?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0) {
                cut = Math.min(cut, i);
            }
        }
        rest = rest.substring(0, cut);
        if (rest.startsWith("localhost/")) {
            rest = rest.substring("localhost".length());
        }
        if (!rest.startsWith("/")) {
            throw new IllegalArgumentException("file:// URL without an absolute path: " + Bounded.text(url));
        }
        return new PhysicalKey(null, S3Url.percentDecode(rest, false), Optional.empty());
    }

    /**
     * quilt3's URL form: {@code s3://bucket/<quoted key>?versionId=<form-encoded id>}, or
     * {@code file://<quoted absolute path>} for a local file.
     */
    public String toUrl() {
        if (isLocal()) {
            return "file://" + quote(key);
        }
        StringBuilder url = new StringBuilder("s3://").append(bucket).append('/').append(quote(key));
        versionId.ifPresent(v -> url.append("?versionId=").append(formEncode(v)));
        return url.toString();
    }

    /** Python's {@code urllib.parse.quote(s, safe="/")}: only {@code A-Z a-z 0-9 _ . - ~ /} stay literal. */
    public static String quote(String text) {
        return percentEncode(text, true);
    }

    /** Python's {@code urllib.parse.quote_plus}: as {@link #quote} but {@code /} encoded and space as {@code +}. */
    public static String formEncode(String text) {
        return percentEncode(text, false);
    }

    private static String percentEncode(String text, boolean pathMode) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-' || c == '~' || (pathMode && c == '/')) {
                out.append((char) c);
            } else if (!pathMode && c == ' ') {
                out.append('+');
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return toUrl();
    }
}

package com.quiltdata.edp.packager.domain;

import com.quiltdata.edp.observe.Bounded;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code s3://bucket/path?query#fragment} split the one way quilt3 reads it: the bucket, the
 * path percent-decoded ({@code +} stays {@code +}), the query parameters form-decoded in their order,
 * the fragment dropped. Package requests ({@link #parse}) and physical keys ({@link PhysicalKey#parse})
 * both read URLs through it.
 *
 * @param parameters every query parameter as written, in order (a name may repeat)
 */
public record S3Url(String bucket, String decodedPath, List<Map.Entry<String, String>> parameters) {

    public S3Url {
        parameters = List.copyOf(parameters);
    }

    /** A URL a message gives: local sources are refused, and a problem is the request's fault. */
    static S3Url parse(String text) {
        if (text.startsWith("file:")) {
            throw new InvalidRequestException("local (file:) sources are not supported: " + Bounded.text(text));
        }
        if (!text.startsWith("s3://")) {
            throw new InvalidRequestException("expected an s3:// URL, got " + Bounded.quoted(text));
        }
        try {
            return split(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    /** Splits an {@code s3://} URL; throws {@link IllegalArgumentException} naming what is wrong. */
    public static S3Url split(String text) {
        if (text == null || !text.startsWith("s3://")) {
            throw new IllegalArgumentException("not an s3:// URL: " + Bounded.text(text));
        }
        String rest = text.substring(5);
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("s3:// URL without a bucket: " + Bounded.quoted(text));
        }
        String path = slash < 0 ? "" : PhysicalKey.percentDecode(rest.substring(slash + 1), false);
        List<Map.Entry<String, String>> params = new ArrayList<>();
        if (!query.isEmpty()) {
            for (String param : query.split("&")) {
                int eq = param.indexOf('=');
                String name = PhysicalKey.percentDecode(eq < 0 ? param : param.substring(0, eq), true);
                String value = eq < 0 ? "" : PhysicalKey.percentDecode(param.substring(eq + 1), true);
                params.add(Map.entry(name, value));
            }
        }
        return new S3Url(bucket, path, params);
    }

    /** The query as metadata: empty names dropped, a repeated name keeps its last value. */
    public Map<String, String> queryParameters() {
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : parameters) {
            if (!p.getKey().isEmpty()) {
                map.put(p.getKey(), p.getValue());
            }
        }
        return map;
    }
}

package com.quiltdata.edp.packager.domain;

import com.quiltdata.edp.observe.Bounded;
import java.util.LinkedHashMap;
import java.util.Map;

/** An {@code s3://bucket/path?query} as a message gives it: bucket, percent-decoded path, query parameters. */
record S3Url(String bucket, String decodedPath, Map<String, String> queryParameters) {

    static S3Url parse(String text) {
        if (text.startsWith("file:")) {
            throw new InvalidRequestException("local (file:) sources are not supported: " + Bounded.text(text));
        }
        if (!text.startsWith("s3://")) {
            throw new InvalidRequestException("expected an s3:// URL, got " + Bounded.quoted(text));
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
            throw new InvalidRequestException("s3:// URL without a bucket: " + Bounded.quoted(text));
        }
        String path = slash < 0 ? "" : PhysicalKey.percentDecode(rest.substring(slash + 1), false);
        Map<String, String> params = new LinkedHashMap<>();
        if (!query.isEmpty()) {
            for (String param : query.split("&")) {
                if (param.isEmpty()) {
                    continue;
                }
                int eq = param.indexOf('=');
                String name = PhysicalKey.percentDecode(eq < 0 ? param : param.substring(0, eq), true);
                String value = eq < 0 ? "" : PhysicalKey.percentDecode(param.substring(eq + 1), true);
                params.put(name, value);
            }
        }
        return new S3Url(bucket, path, params);
    }
}

package com.quiltdata.edp.domain;

import com.quiltdata.edp.observe.Bounded;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code s3://bucket/path?query#fragment} split the one way quilt3 reads it: the bucket, the
 * path percent-decoded ({@code +} stays {@code +}), the query parameters form-decoded in their order,
 * the fragment dropped. Package requests, physical keys and the CLI's {@code s3://} arguments all
 * read URLs through it.
 *
 * @param parameters every query parameter as written, in order (a name may repeat)
 */
public record S3Url(String bucket, String decodedPath, List<Map.Entry<String, String>> parameters) {

    public S3Url {
        parameters = List.copyOf(parameters);
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
        String path = slash < 0 ? "" : percentDecode(rest.substring(slash + 1), false);
        List<Map.Entry<String, String>> params = new ArrayList<>();
        if (!query.isEmpty()) {
            for (String param : query.split("&")) {
                int eq = param.indexOf('=');
                String name = percentDecode(eq < 0 ? param : param.substring(0, eq), true);
                String value = eq < 0 ? "" : percentDecode(param.substring(eq + 1), true);
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

    /** Decodes {@code %XX} escapes as UTF-8; with {@code form}, {@code +} is a space. */
    public static String percentDecode(String text, boolean form) {
        if (text.indexOf('%') < 0 && !(form && text.indexOf('+') >= 0)) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
                bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (form && c == '+') {
                bytes.write(' ');
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                    utf8 = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.write(utf8, 0, utf8.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}

package com.quiltdata.edp.packager.domain;

import com.quiltdata.edp.observe.Bounded;
import java.util.ArrayDeque;
import java.util.Deque;

/** A description's {@code metadata_uri}: an RFC 3986 reference resolved against its {@code source_prefix}. */
final class MetadataUri {
    private MetadataUri() {}

    /** The object the reference names; a reference that names a folder or the bucket is the request's fault. */
    static PhysicalKey resolve(String base, String reference) {
        String resolved;
        if (reference.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) {
            resolved = reference;
        } else if (reference.startsWith("//")) {
            resolved = "s3:" + reference;
        } else {
            String noFragment = base.contains("#") ? base.substring(0, base.indexOf('#')) : base;
            String noQuery = noFragment.contains("?") ? noFragment.substring(0, noFragment.indexOf('?')) : noFragment;
            int pathStart = noQuery.indexOf('/', "s3://".length());
            String authority = pathStart < 0 ? noQuery : noQuery.substring(0, pathStart);
            String basePath = pathStart < 0 ? "/" : noQuery.substring(pathStart);
            String refPath = reference;
            String refQuery = "";
            int q = reference.indexOf('?');
            if (q >= 0) {
                refPath = reference.substring(0, q);
                refQuery = reference.substring(q);
            }
            String merged = refPath.startsWith("/") ? refPath : basePath.substring(0, basePath.lastIndexOf('/') + 1) + refPath;
            resolved = authority + removeDotSegments(merged) + refQuery;
        }
        try {
            PhysicalKey key = PhysicalKey.parse(resolved);
            if (key.key().isEmpty() || key.key().endsWith("/")) {
                throw new InvalidRequestException("metadata_uri must name an object, got " + Bounded.text(resolved));
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("metadata_uri: " + e.getMessage());
        }
    }

    private static String removeDotSegments(String path) {
        Deque<String> out = new ArrayDeque<>();
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals(".")) {
                if (last) {
                    out.addLast("");
                }
            } else if (s.equals("..")) {
                if (out.size() > 1) {
                    out.removeLast();
                }
                if (last) {
                    out.addLast("");
                }
            } else {
                out.addLast(s);
            }
        }
        return String.join("/", out);
    }
}

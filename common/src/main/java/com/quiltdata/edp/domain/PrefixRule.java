package com.quiltdata.edp.domain;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which batch prefix a key belongs to: its first {@code depth} folder segments, always ending in
 * "/". Keys with fewer folders group at the folders they have; keys at the bucket root, folder
 * markers, keys under {@code .quilt/} and keys matching an ignore glob belong to no prefix.
 */
public final class PrefixRule {
    /** The packager writes its registry here; those writes must never start new batches. */
    public static final String REGISTRY_FOLDER = ".quilt/";

    private final int depth;
    private final List<Pattern> ignores;
    private final List<String> ignoreGlobs;

    public PrefixRule(int depth, List<String> ignoreGlobs) {
        if (depth < 1) {
            throw new IllegalArgumentException("prefix depth must be at least 1, got " + depth);
        }
        this.depth = depth;
        this.ignoreGlobs = List.copyOf(ignoreGlobs);
        this.ignores = ignoreGlobs.stream().map(PrefixRule::compileGlob).toList();
    }

    public int depth() {
        return depth;
    }

    public List<String> ignoreGlobs() {
        return ignoreGlobs;
    }

    /** Where a key goes: a prefix, or the reason it is ignored. */
    public Placement place(String key) {
        if (key.startsWith(REGISTRY_FOLDER)) {
            return new Placement.Ignored(Placement.Reason.REGISTRY);
        }
        if (key.endsWith("/")) {
            return new Placement.Ignored(Placement.Reason.FOLDER_MARKER);
        }
        int lastSlash = key.lastIndexOf('/');
        if (lastSlash < 0) {
            return new Placement.Ignored(Placement.Reason.BUCKET_ROOT);
        }
        for (Pattern ignore : ignores) {
            if (ignore.matcher(key).lookingAt()) {
                return new Placement.Ignored(Placement.Reason.IGNORE_PATTERN);
            }
        }
        int end = -1;
        for (int i = 0; i < depth; i++) {
            int next = key.indexOf('/', end + 1);
            if (next < 0 || next > lastSlash) {
                break;
            }
            end = next;
        }
        return new Placement.InPrefix(key.substring(0, end + 1));
    }

    /** The last segment of a key: what sentinel names are compared with. */
    public static String fileName(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /**
     * Glob to regex, anchored at the start of the key. {@code *} stays within a segment, {@code **}
     * crosses segments, {@code ?} is one character of a segment. A match must end at a segment
     * boundary, so {@code raw/*} ignores {@code raw/x/y.csv} but {@code raw} does not ignore
     * {@code rawdata/y.csv}.
     */
    static Pattern compileGlob(String glob) {
        if (glob.isBlank()) {
            throw new IllegalArgumentException("empty pattern");
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    regex.append(".*");
                    i++;
                } else {
                    regex.append("[^/]*");
                }
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (!glob.endsWith("/")) {
            regex.append("(?=/|$)");
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}

package com.quiltdata.edp.packager.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * A Quilt package name {@code namespace/name}: both parts one or more word characters (letters and
 * digits of any script, {@code _}) or {@code -}, as Python's Unicode {@code \w} has them.
 */
public record PackageName(String namespace, String name) {
    public PackageName {
        if (!isNamePart(namespace) || !isNamePart(name)) {
            throw new InvalidPackageNameException(namespace + "/" + name);
        }
    }

    public static PackageName parse(String text) {
        if (text == null) {
            throw new InvalidPackageNameException("null");
        }
        int slash = text.indexOf('/');
        if (slash < 0 || text.indexOf('/', slash + 1) >= 0) {
            throw new InvalidPackageNameException(text);
        }
        return new PackageName(text.substring(0, slash), text.substring(slash + 1));
    }

    /**
     * The name Quilt's own packager infers from a folder path: segments with non-word characters
     * mapped to {@code -}, the last segment the name, the others joined with {@code _} the namespace.
     */
    public static PackageName fromFolder(String folder) {
        List<String> segments = new ArrayList<>();
        for (String segment : folder.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(sanitize(segment));
            }
        }
        if (segments.isEmpty()) {
            return new PackageName("package", "null");
        }
        String name = segments.remove(segments.size() - 1);
        String namespace = segments.isEmpty() ? "package" : String.join("_", segments);
        return new PackageName(namespace, name);
    }

    private static String sanitize(String segment) {
        StringBuilder out = new StringBuilder(segment.length());
        segment.codePoints().forEach(cp -> {
            if (isWordChar(cp) || cp == '-') {
                out.appendCodePoint(cp);
            } else {
                out.append('-');
            }
        });
        return out.toString();
    }

    private static boolean isNamePart(String part) {
        if (part == null || part.isEmpty()) {
            return false;
        }
        return part.codePoints().allMatch(cp -> isWordChar(cp) || cp == '-');
    }

    /** Python's {@code \w} for str patterns: alphanumeric in the {@code str.isalnum} sense, or {@code _}. */
    static boolean isWordChar(int cp) {
        if (cp == '_') {
            return true;
        }
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}

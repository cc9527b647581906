package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.domain.S3Keys;
import com.quiltdata.edp.observe.Bounded;
import java.util.Optional;

/**
 * The S3 event of a key under {@code .quilt/named_packages/} (ADR 0111): a revision that quilt3, the
 * catalog, another function or this packager wrote to a registry. Only an {@code Object Created}
 * timestamp pointer {@code <ns>/<name>/<unix seconds>} is a revision; {@code latest} (a rewritten
 * copy of one), deletes and any other key there are acknowledged without effect.
 */
public final class RegistryPointerForm {
    public static final String FORM = "registry-pointer";
    /** Unix seconds as quilt3 writes them: decimal, unpadded; 18 digits keep any value a long. */
    private static final int MAX_TIMESTAMP_DIGITS = 18;

    private RegistryPointerForm() {}

    /**
     * True for an S3 event (any detail type) whose key is under {@code .quilt/named_packages/}; S3
     * leaves those characters unencoded.
     */
    public static boolean matches(String source, JsonNode s3Detail) {
        return source.equals("aws.s3") && s3Detail.path("object").path("key").asText("").startsWith(RegistryPointer.NAMED_PACKAGES);
    }

    public static ParsedMessage parse(String detailType, JsonNode s3Detail) {
        String bucket = s3Detail.path("bucket").path("name").asText("");
        if (bucket.isEmpty()) {
            throw new InvalidRequestException("S3 event of a registry key without bucket name");
        }
        String key;
        try {
            key = S3Keys.decode(s3Detail.path("object").path("key").asText(""));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("S3 event key: " + e.getMessage());
        }
        if (!detailType.equals("Object Created")) {
            return ParsedMessage.ignored(FORM, Bounded.text(detailType) + " of " + Bounded.text(key) + " announces no revision");
        }
        String[] segments = key.substring(RegistryPointer.NAMED_PACKAGES.length()).split("/", -1);
        if (segments.length != 3) {
            return ParsedMessage.ignored(FORM, Bounded.text(key) + " is not <namespace>/<name>/<pointer> under "
                    + RegistryPointer.NAMED_PACKAGES);
        }
        String timestamp = segments[2];
        if (timestamp.equals("latest")) {
            return ParsedMessage.ignored(FORM, Bounded.text(key) + " copies a timestamp pointer, whose own event announces the revision");
        }
        if (timestamp.isEmpty() || timestamp.length() > MAX_TIMESTAMP_DIGITS || !timestamp.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return ParsedMessage.ignored(FORM, Bounded.text(key) + " is not a timestamp pointer (unix seconds)");
        }
        PackageName name;
        try {
            name = new PackageName(segments[0], segments[1]);
        } catch (InvalidPackageNameException e) {
            return ParsedMessage.ignored(FORM, Bounded.text(key) + " does not name a package quilt3 can read");
        }
        Optional<String> versionId = Optional.ofNullable(s3Detail.path("object").path("version-id").textValue())
                .filter(v -> !v.isEmpty() && !v.equals("null"));
        return ParsedMessage.of(new RegistryPointer(bucket, name, Long.parseLong(timestamp), versionId), FORM);
    }
}

package com.quiltdata.edp.packager.domain;

import java.util.Optional;

/**
 * Stack-wide settings for the packages EDP makes on its own, from {@code package-objects-ready}:
 * today the registry they are written to. A description sent to the queue says where it goes itself
 * and is left as it is.
 *
 * @param registry the registry bucket of automatic packages; empty = the source bucket
 */
public record AutomaticPackages(Optional<String> registry) {
    public static final AutomaticPackages SOURCE_BUCKET = new AutomaticPackages(Optional.empty());

    public ParsedMessage apply(ParsedMessage parsed) {
        if (registry.isEmpty() || parsed.request().isEmpty() || !"package-objects-ready".equals(parsed.form())) {
            return parsed;
        }
        return ParsedMessage.of(parsed.request().get().withRegistry(registry.get()), parsed.form());
    }
}

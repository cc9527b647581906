package com.quiltdata.edp.packager.domain;

import java.util.Optional;

/**
 * A message is a package request, a revision another writer put in a registry (to record and
 * announce, not to package), or an event that asks for nothing (logged and acknowledged).
 */
public record ParsedMessage(Optional<PackageRequest> request, String form, String ignoredBecause, Optional<RegistryPointer> pointer) {
    public ParsedMessage(Optional<PackageRequest> request, String form, String ignoredBecause) {
        this(request, form, ignoredBecause, Optional.empty());
    }

    static ParsedMessage of(PackageRequest request, String form) {
        return new ParsedMessage(Optional.of(request), form, null);
    }

    static ParsedMessage ignored(String form, String because) {
        return new ParsedMessage(Optional.empty(), form, because);
    }

    static ParsedMessage of(RegistryPointer pointer, String form) {
        return new ParsedMessage(Optional.empty(), form, null, Optional.of(pointer));
    }
}

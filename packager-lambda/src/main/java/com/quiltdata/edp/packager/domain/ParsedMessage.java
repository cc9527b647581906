package com.quiltdata.edp.packager.domain;

import java.util.Optional;

/** A message is either a package request or an event that asks for nothing (logged and acknowledged). */
public record ParsedMessage(Optional<PackageRequest> request, String form, String ignoredBecause) {
    static ParsedMessage of(PackageRequest request, String form) {
        return new ParsedMessage(Optional.of(request), form, null);
    }

    static ParsedMessage ignored(String form, String because) {
        return new ParsedMessage(Optional.empty(), form, because);
    }
}

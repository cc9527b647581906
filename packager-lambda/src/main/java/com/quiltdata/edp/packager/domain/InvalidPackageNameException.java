package com.quiltdata.edp.packager.domain;

import com.quiltdata.edp.observe.Bounded;

/** A package name quilt3 would refuse. */
public final class InvalidPackageNameException extends IllegalArgumentException {
    public InvalidPackageNameException(String name) {
        super("Invalid package name: " + Bounded.text(name) + ". Expected namespace/name, each made of letters, digits, '_' or '-'");
    }
}

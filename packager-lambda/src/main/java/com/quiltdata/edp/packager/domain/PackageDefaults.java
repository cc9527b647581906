package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a package gets where its folder says nothing (automatic packages, see docs/adr/0109): metadata
 * fields under the folder's own, and files (a {@code README.md}, a {@code .quiltignore}) the folder
 * does not have, each an S3 object the package points at.
 *
 * @param metadata top-level fields a package's own metadata does not set
 * @param files    logical key → the object that package entry points at
 */
public record PackageDefaults(Optional<ObjectNode> metadata, Map<String, PhysicalKey> files) {
    public static final String README = "README.md";
    public static final String QUILT_IGNORE = ".quiltignore";
    public static final PackageDefaults NONE = new PackageDefaults(Optional.empty(), Map.of());

    public PackageDefaults {
        metadata = metadata.map(ObjectNode::deepCopy);
        files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    /**
     * The package's metadata over the defaults: each top-level field the package sets wins whole (no
     * deep merge, so a default never mixes into a field the folder wrote). Metadata that is not an
     * object is left as it is.
     */
    public JsonNode under(JsonNode own) {
        if (metadata.isEmpty() || !(own.isObject() || own.isNull() || own.isMissingNode())) {
            return own;
        }
        ObjectNode merged = metadata.get().deepCopy();
        if (own.isObject()) {
            own.properties().forEach(field -> merged.set(field.getKey(), field.getValue().deepCopy()));
        }
        return merged;
    }
}

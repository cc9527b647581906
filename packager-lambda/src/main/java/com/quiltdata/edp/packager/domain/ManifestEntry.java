package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One file of a package: its logical key, where its bytes are, its size, hash and entry metadata. */
public record ManifestEntry(String logicalKey, PhysicalKey physicalKey, long size, Checksum hash, ObjectNode meta) {
    private static final ObjectNode EMPTY = JsonNodeFactory.instance.objectNode();

    public ManifestEntry {
        String problem = LogicalKeys.problem(logicalKey);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size for " + logicalKey);
        }
        meta = meta == null ? EMPTY : meta;
    }

    public static ManifestEntry of(String logicalKey, PhysicalKey physicalKey, long size, Checksum hash) {
        return new ManifestEntry(logicalKey, physicalKey, size, hash, EMPTY);
    }

    /** The manifest line (without the newline). */
    String line() {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"logical_key\": ");
        PythonJson.string(logicalKey, out, false);
        out.append(", \"physical_keys\": [");
        PythonJson.string(physicalKey.toUrl(), out, false);
        out.append("], \"size\": ").append(size).append(", \"hash\": {\"type\": ");
        PythonJson.string(hash.type(), out, false);
        out.append(", \"value\": ");
        PythonJson.string(hash.value(), out, false);
        out.append("}, \"meta\": ");
        PythonJson.write(meta, out, false);
        return out.append('}').toString();
    }

    /** The top-hash input of this entry: {@code {"hash","logical_key","meta","size"}} canonical. */
    String canonical() {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"hash\":{\"type\":");
        PythonJson.string(hash.type(), out, true);
        out.append(",\"value\":");
        PythonJson.string(hash.value(), out, true);
        out.append("},\"logical_key\":");
        PythonJson.string(logicalKey, out, true);
        out.append(",\"meta\":");
        PythonJson.write(meta, out, true);
        return out.append(",\"size\":").append(size).append('}').toString();
    }
}

package com.quiltdata.edp.packager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.packager.domain.PackageDefaults;
import com.quiltdata.edp.packager.domain.PackageRequest;
import com.quiltdata.edp.packager.domain.PackageRequest.MetadataSource;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.port.ObjectReader;
import com.quiltdata.edp.packager.port.ObjectReader.StoredText;
import java.util.Optional;

/**
 * The package's user metadata, from the one source the request names: its own {@code metadata},
 * a {@code metadata_uri} object, or the folder's metadata file; over the stack's default fields for
 * automatic packages ({@link PackageDefaults#under}); an EDP batch adds its {@code batch_id} unless
 * a source set one (docs/adr/0109).
 */
final class PackageMetadata {
    private final ObjectReader reader;

    PackageMetadata(ObjectReader reader) {
        this.reader = reader;
    }

    /** @param metadataFile the folder's metadata file, where the request leaves the choice to the folder */
    JsonNode of(PackageRequest request, Optional<PhysicalKey> metadataFile) {
        return of(request, metadataFile, PackageDefaults.NONE);
    }

    JsonNode of(PackageRequest request, Optional<PhysicalKey> metadataFile, PackageDefaults defaults) {
        JsonNode meta;
        MetadataSource source = request.metadata();
        if (source instanceof MetadataSource.Given given) {
            meta = given.metadata().deepCopy();
        } else if (source instanceof MetadataSource.FromObject from) {
            StoredText text = read(from.location()).orElseThrow(() -> new RejectedException(
                    "metadata_uri " + from.location().toUrl() + " does not exist"));
            meta = parse(text);
        } else if (metadataFile.isPresent()) {
            meta = parse(read(metadataFile.get()).orElseThrow(() ->
                    new IllegalStateException(PackagePrefix.METADATA_FILE + " disappeared while packaging")));
        } else {
            meta = NullNode.instance;
        }
        meta = defaults.under(meta);
        if (request.batchId().isPresent()) {
            ObjectNode withBatch = meta.isObject() ? (ObjectNode) meta : Json.MAPPER.createObjectNode();
            if (!withBatch.has("batch_id")) {
                withBatch.put("batch_id", request.batchId().get().toString());
            }
            meta = withBatch;
        }
        return meta;
    }

    private Optional<StoredText> read(PhysicalKey location) {
        return reader.read(location, PackagePrefix.MAX_METADATA_BYTES);
    }

    private static JsonNode parse(StoredText text) {
        JsonNode node;
        try {
            node = Json.parse(text.text());
        } catch (IllegalArgumentException e) {
            throw new RejectedException("metadata " + text.location().toUrl() + " is not JSON: " + e.getMessage());
        }
        if (!node.isObject()) {
            throw new RejectedException("metadata " + text.location().toUrl() + " must be a JSON object");
        }
        return node;
    }
}

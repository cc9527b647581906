package com.quiltdata.edp.packager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.packager.domain.PackageRequest;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.domain.RequestParser;
import com.quiltdata.edp.packager.port.ObjectReader;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PackageMetadataTest {
    private final Map<String, String> objects = new HashMap<>();
    private final PackageMetadata metadata = new PackageMetadata((location, max) ->
            Optional.ofNullable(objects.get(location.key())).map(text -> new ObjectReader.StoredText(text, location)));

    private static PackageRequest request(String body) {
        return RequestParser.parse(body).request().orElseThrow();
    }

    private static final Optional<PhysicalKey> FOLDER_FILE = Optional.of(PhysicalKey.of("b", "f/quilt_metadata.json", null));

    @Test
    void shouldTakeTheDescriptionsOwnMetadataOverTheFolderFile() {
        objects.put("f/quilt_metadata.json", "{\"from\": \"file\"}");
        assertEquals("{\"from\":\"message\"}",
                metadata.of(request("{\"source_prefix\": \"s3://b/f/\", \"metadata\": {\"from\": \"message\"}}"), FOLDER_FILE).toString());
        assertEquals("{\"from\":\"file\"}", metadata.of(request("{\"source_prefix\": \"s3://b/f/\"}"), FOLDER_FILE).toString());
        assertTrue(metadata.of(request("{\"source_prefix\": \"s3://b/f/\"}"), Optional.empty()).isNull());
    }

    @Test
    void shouldAddTheBatchIdUnlessTheMetadataHasOne() {
        String ready = "{\"detail-type\": \"package-objects-ready\", \"source\": \"com.quiltdata.edp\", \"detail\": "
                + "{\"bucket\": \"b\", \"prefix\": \"f/\", \"batch_id\": \"00000000-0000-0000-0000-000000000001\"}}";
        assertEquals("{\"batch_id\":\"00000000-0000-0000-0000-000000000001\"}", metadata.of(request(ready), Optional.empty()).toString());
        objects.put("f/quilt_metadata.json", "{\"batch_id\": \"mine\"}");
        assertEquals("{\"batch_id\":\"mine\"}", metadata.of(request(ready), FOLDER_FILE).toString());
    }

    @Test
    void shouldRejectMetadataThatIsMissingOrNotAnObject() {
        RejectedException missing = assertThrows(RejectedException.class,
                () -> metadata.of(request("{\"source_prefix\": \"s3://b/f/\", \"metadata_uri\": \"m.json\"}"), Optional.empty()));
        assertEquals("metadata_uri s3://b/f/m.json does not exist", missing.getMessage());
        objects.put("f/quilt_metadata.json", "[1]");
        assertEquals("metadata s3://b/f/quilt_metadata.json must be a JSON object",
                assertThrows(RejectedException.class, () -> metadata.of(request("{\"source_prefix\": \"s3://b/f/\"}"), FOLDER_FILE)).getMessage());
    }
}

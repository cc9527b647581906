package com.quiltdata.edp.packager.domain;

import static com.quiltdata.edp.packager.domain.FormTesting.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.packager.domain.PackageRequest.MetadataSource;
import org.junit.jupiter.api.Test;

class RoCrateFormTest {

    @Test
    void shouldPackageTheCratesFolderWithTheCrateAsMetadata() {
        PackageRequest r = RoCrateForm.parse(object(
                "{\"bucket\": {\"name\": \"b\"}, \"object\": {\"key\": \"ro-crate-manifest.json\"}}")).request().orElseThrow();
        assertEquals("", r.folder());
        assertEquals("s3://b/", r.sourceUri());
        assertEquals(PhysicalKey.of("b", "ro-crate-manifest.json", null), ((MetadataSource.FromObject) r.metadata()).location());
    }

    @Test
    void shouldAskForNothingForAnyOtherObject() {
        ParsedMessage m = RoCrateForm.parse(object("{\"bucket\": {\"name\": \"b\"}, \"object\": {\"key\": \"a/ro-crate-metadata.json.bak\"}}"));
        assertTrue(m.request().isEmpty());
        assertTrue(m.ignoredBecause().startsWith("object a/ro-crate-metadata.json.bak is not an RO-Crate file"), m.ignoredBecause());
    }

    @Test
    void shouldRefuseAnEventWithoutBucketOrKey() {
        assertEquals("S3 Object Created event without bucket name or object key",
                assertThrows(InvalidRequestException.class, () -> RoCrateForm.parse(object("{\"bucket\": {\"name\": \"b\"}}"))).getMessage());
    }
}

package com.quiltdata.edp.packager.domain;

import static com.quiltdata.edp.packager.domain.FormTesting.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.packager.domain.PackageRequest.MetadataSource;
import org.junit.jupiter.api.Test;

class UriFormTest {

    @Test
    void shouldTakeAFolderUriAsThatFolderWithTheFolderMetadata() {
        PackageRequest r = UriForm.parse(object("{\"uri\": \"s3://b/lab/exp-1/\"}"));
        assertEquals("lab/exp-1/", r.folder());
        assertEquals("s3://b/lab/exp-1/", r.sourceUri());
        assertInstanceOf(MetadataSource.FolderDefault.class, r.metadata());
        assertTrue(r.namedObject().isEmpty());
    }

    @Test
    void shouldKeepTheLastValueOfARepeatedQueryParameter() {
        PackageRequest r = UriForm.parse(object("{\"uri\": \"s3://b/x/?k=1&k=2&=dropped\"}"));
        assertEquals("{\"k\":\"2\"}", ((MetadataSource.Given) r.metadata()).metadata().toString());
    }

    @Test
    void shouldOfferTheObjectsFolderWhenTheUriMayNameAnObject() {
        PackageRequest r = UriForm.parse(object("{\"uri\": \"s3://b/in/run-1/manifest.json?k=v\"}"));
        assertEquals("in/run-1/manifest.json/", r.folder());
        PackageRequest.NamedObject named = r.namedObject().orElseThrow();
        assertEquals("in/run-1/manifest.json", named.key());
        assertEquals("in/run-1/", named.request().folder());
        assertFalse(named.request().namedObject().isPresent());
        assertEquals(r.metadata(), named.request().metadata());
    }

    @Test
    void shouldRefuseAUriThatIsNotAString() {
        assertEquals("uri must be a string",
                assertThrows(InvalidRequestException.class, () -> UriForm.parse(object("{\"uri\": 7}"))).getMessage());
    }
}

package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MetadataUriTest {

    @ParameterizedTest(name = "{1} from {0}")
    @CsvSource(delimiter = '|', value = {
        "s3://b/a/b/?q=1#f|meta.json|s3://b/a/b/meta.json",
        "s3://b/a/b/|./x/../y.json|s3://b/a/b/y.json",
        "s3://b/a/|../../../x.json|s3://b/x.json",
        "s3://b|m.json|s3://b/m.json",
        "s3://b/a/|m.json?versionId=v1|s3://b/a/m.json?versionId=v1"
    })
    void shouldResolveAReferenceAsRfc3986Does(String base, String reference, String expected) {
        assertEquals(PhysicalKey.parse(expected), MetadataUri.resolve(base, reference));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sub/", "/", "s3://other"})
    void shouldRefuseAReferenceThatNamesNoObject(String reference) {
        assertThrows(InvalidRequestException.class, () -> MetadataUri.resolve("s3://b/a/", reference));
    }
}

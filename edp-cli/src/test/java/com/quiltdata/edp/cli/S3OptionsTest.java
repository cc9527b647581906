package com.quiltdata.edp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.quiltdata.edp.domain.S3Url;
import com.quiltdata.edp.packager.domain.PackageRequest;
import com.quiltdata.edp.packager.domain.RequestParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI reads an s3:// prefix as package requests read source_prefix: one parser, one answer. */
class S3OptionsTest {

    @ParameterizedTest(name = "{0} -> {1} [{2}]")
    @CsvSource(delimiter = '|', value = {
        // the old literal parser kept these escapes, so backfill listed a prefix no package request meant
        "s3://b/lab%20one/|b|lab one/",
        "s3://b/caf%C3%A9/run%2B1/|b|café/run+1/",
        "s3://b/a+b/|b|a+b/",
        "s3://b|b|''",
        "s3://b/|b|''"
    })
    void shouldReadAPrefixAsAPackageRequestReadsIt(String url, String bucket, String prefix) {
        S3Url parsed = S3Options.bucketAndPrefix(url, "backfill");
        assertEquals(bucket, parsed.bucket());
        assertEquals(prefix, parsed.decodedPath());
        PackageRequest request = RequestParser.parse("{\"source_prefix\": \"" + (url.endsWith("/") ? url : url + "/") + "\"}")
                .request().orElseThrow();
        assertEquals(request.bucket(), parsed.bucket());
        assertEquals(request.folder(), parsed.decodedPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://", "s3:///lab/", "b/lab/", "https://b.s3.amazonaws.com/lab/", "s3://b/lab?x=1"})
    void shouldRefuseWhatIsNotABucketAndPrefix(String url) {
        assertThrows(UsageException.class, () -> S3Options.bucketAndPrefix(url, "backfill"));
    }
}

package com.quiltdata.edp.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class S3UrlTest {

    @ParameterizedTest(name = "{0} -> {1} [{2}]")
    @CsvSource(delimiter = '|', value = {
        "s3://b|b|''",
        "s3://b/|b|''",
        "s3://b/lab/run-7/|b|lab/run-7/",
        "s3://b/my%20folder/a+b/|b|my folder/a+b/",
        "s3://b/caf%C3%A9/x%3Fy|b|café/x?y",
        "s3://b/a/?versionId=1#frag|b|a/",
        "s3://b/100%/|b|100%/"
    })
    void shouldSplitTheBucketAndDecodeThePathAsQuilt3Does(String url, String bucket, String path) {
        S3Url split = S3Url.split(url);
        assertEquals(bucket, split.bucket());
        assertEquals(path, split.decodedPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://", "s3:///key", "http://b/k", "b/k"})
    void shouldRefuseWhatIsNotAnS3UrlWithABucket(String url) {
        assertThrows(IllegalArgumentException.class, () -> S3Url.split(url));
    }

    @org.junit.jupiter.api.Test
    void shouldFormDecodeTheQueryInItsOrder() {
        S3Url split = S3Url.split("s3://b/k?owner=Zo%C3%AB&tag=a+b&tag=c&=x");
        assertEquals(List.of(Map.entry("owner", "Zoë"), Map.entry("tag", "a b"), Map.entry("tag", "c"), Map.entry("", "x")),
                split.parameters());
        assertEquals(Map.of("owner", "Zoë", "tag", "c"), split.queryParameters());
    }
}

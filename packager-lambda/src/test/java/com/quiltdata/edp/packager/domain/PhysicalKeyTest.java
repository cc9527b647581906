package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PhysicalKeyTest {

    @Test
    void shouldQuoteKeysAndFormEncodeVersionIdsAsQuilt3() {
        assertEquals("s3://b/raw/my%20file%2B1.txt?versionId=a%2Bb%3Dc%2Fd",
                PhysicalKey.of("b", "raw/my file+1.txt", "a+b=c/d").toUrl());
        assertEquals("s3://b/%21%2A%27%28%29~/%C3%A9?versionId=x+y~%2A", PhysicalKey.of("b", "!*'()~/é", "x y~*").toUrl());
        assertEquals("s3://b/", PhysicalKey.of("b", "", null).toUrl());
    }

    @Test
    void shouldParseWhatItWrites() {
        PhysicalKey key = PhysicalKey.of("b", "raw/my file+1 😀.txt", "a+b=c/d");
        assertEquals(key, PhysicalKey.parse(key.toUrl()));
        assertEquals(new PhysicalKey("b", "a+b", Optional.of("v w")), PhysicalKey.parse("s3://b/a+b?versionId=v+w#frag"));
        assertThrows(IllegalArgumentException.class, () -> PhysicalKey.parse("s3://b/k?x=1"));
    }

    @Test
    void shouldWriteLocalFilesAsQuilt3FileUrls() {
        // Given a local file with a space, a plus and a non-ASCII character in its path
        PhysicalKey key = PhysicalKey.file(java.nio.file.Path.of("/data/run 1/a+b é.csv"));

        // Then it is quilt3's file:// form (pathname2url) and parses back to itself
        assertEquals("file:///data/run%201/a%2Bb%20%C3%A9.csv", key.toUrl());
        assertEquals(true, key.isLocal());
        assertEquals(key, PhysicalKey.parse(key.toUrl()));
        assertEquals(key, PhysicalKey.parse("file://localhost/data/run%201/a%2Bb%20%C3%A9.csv"));
        assertThrows(IllegalArgumentException.class, () -> PhysicalKey.parse("file://relative/path"));
        assertThrows(IllegalArgumentException.class, () -> new PhysicalKey(null, "/a", Optional.of("v")));
    }
}

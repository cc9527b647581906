package com.quiltdata.edp.packager.manifest;

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
}

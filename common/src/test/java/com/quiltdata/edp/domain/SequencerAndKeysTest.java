package com.quiltdata.edp.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SequencerAndKeysTest {

    @ParameterizedTest(name = "{0} newer than {1}: {2}")
    @CsvSource({
        "0062A5B3F1D9E8A7C2, 0062A5B3F1D9E8A7C1, true",
        "0062A5B3F1D9E8A7C1, 0062A5B3F1D9E8A7C2, false",
        // the shorter is padded with 0 on the right before comparing
        "0062A5B3F1D9E8A7C1, 0062A5B3F1D9E8A7C, true",
        "0062A5B3F1D9E8A7C, 0062A5B3F1D9E8A7C0, false",
        "0062a5b3f1d9e8a7c2, 0062A5B3F1D9E8A7C1, true",
        "01, 009FFFFFFFFFFFFFFF, true",
        "0062A5B3F1D9E8A7C1, 0062A5B3F1D9E8A7C1, false",
        "0062A5B3F1D9E8A7C1, '', true",
    })
    void ordersSequencers(String a, String b, boolean newer) {
        assertEquals(newer, Sequencer.isNewer(a, b));
    }

    @Test
    void normalizesToAFixedWidth() {
        assertEquals(Sequencer.WIDTH, Sequencer.normalize("abc").length());
        assertEquals("0".repeat(Sequencer.WIDTH), Sequencer.normalize(null));
        assertThrows(IllegalArgumentException.class, () -> Sequencer.normalize("xyz"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "my+file+name%2Bv2.csv       | my file name+v2.csv",
        "a%25b%3Dc.txt               | a%b=c.txt",
        "%C3%A9t%C3%A9/%E6%95%B0.txt | été/数.txt",
        "lab//run-8/x.csv            | lab//run-8/x.csv",
        "plain/key.csv               | plain/key.csv",
    })
    void decodesKeysOnce(String raw, String decoded) {
        assertEquals(decoded, S3Keys.decode(raw));
    }

    @Test
    void rejectsBadKeys() {
        assertThrows(IllegalArgumentException.class, () -> S3Keys.decode("bad%ZZescape"));
        assertThrows(IllegalArgumentException.class, () -> S3Keys.decode("a/" + "é".repeat(512)));
        assertEquals(1024, S3Keys.decode("a/" + "b".repeat(1022)).length());
    }
}

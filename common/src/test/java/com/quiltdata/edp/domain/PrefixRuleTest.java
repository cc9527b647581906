package com.quiltdata.edp.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrefixRuleTest {

    @ParameterizedTest(name = "depth {0}: {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "2 | lab/run-7/raw/a.csv      | lab/run-7/",
        "2 | lab/run-7/a.csv          | lab/run-7/",
        "2 | lab/a.csv                | lab/",
        "1 | lab/run-7/raw/a.csv      | lab/",
        "3 | lab/run-7/raw/a.csv      | lab/run-7/raw/",
        "3 | lab/run-7/a.csv          | lab/run-7/",
        "2 | lab//run-8/x.csv         | lab//",
        "2 | a b/c+d/e f.txt          | a b/c+d/",
        "2 | données/été/x            | données/été/",
        "2 | root.csv                 | ignored:BUCKET_ROOT",
        "2 | lab/run-7/               | ignored:FOLDER_MARKER",
        "2 | .quilt/packages/abc      | ignored:REGISTRY",
        "2 | .quilt/named_packages/a/b/latest | ignored:REGISTRY",
    })
    void placesKeysAtTheirPrefix(int depth, String key, String expected) {
        assertEquals(expected, describe(new PrefixRule(depth, List.of()).place(key)));
    }

    @ParameterizedTest(name = "{0} ignores {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "raw/*          | raw/x/y.csv           | true",
        "raw/*          | raw/y.csv             | true",
        "raw            | raw/y.csv             | true",
        "raw            | rawdata/y.csv         | false",
        "raw/           | raw/a/b/c.csv         | true",
        "*/tmp          | lab/tmp/x.csv         | true",
        "*/tmp          | lab/run/tmp/x.csv     | false",
        "**/tmp         | lab/run/tmp/x.csv     | true",
        "**/*.log       | lab/run/debug.log     | true",
        "**/*.log       | lab/run/debug.log.gz  | false",
        "lab/run-?/x    | lab/run-7/x/y         | true",
        "lab/run-?/x    | lab/run-17/x/y        | false",
        "a.b/*          | axb/c/d               | false",
        "[weird]/*      | [weird]/c/d           | true",
    })
    void ignoreGlobs(String glob, String key, boolean ignored) {
        Placement placement = new PrefixRule(2, List.of(glob)).place(key);
        assertEquals(ignored, placement instanceof Placement.Ignored i && i.reason() == Placement.Reason.IGNORE_PATTERN,
                () -> describe(placement));
    }

    @org.junit.jupiter.api.Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new PrefixRule(0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new PrefixRule(2, List.of(" ")));
    }

    @org.junit.jupiter.api.Test
    void fileNameIsTheLastSegment() {
        assertEquals("_SUCCESS", PrefixRule.fileName("lab/run-7/_SUCCESS"));
        assertEquals("root.csv", PrefixRule.fileName("root.csv"));
    }

    private static String describe(Placement p) {
        return p instanceof Placement.InPrefix in ? in.prefix() : "ignored:" + ((Placement.Ignored) p).reason();
    }
}

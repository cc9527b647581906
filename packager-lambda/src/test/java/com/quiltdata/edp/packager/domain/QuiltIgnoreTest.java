package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuiltIgnoreTest {
    private static final QuiltIgnore RULES = QuiltIgnore.parse(
            "*.log\nfoo/\n/notes\n!keep.log\n# comment\ntrailing \nbuild\n[!a]x.tmp\n");

    @ParameterizedTest(name = "{0} ignored={1}")
    @CsvSource({
        "a.log,true", "deep/dir/b.log,true", "keep.log,true", "foo/x.txt,true", "a/foo/x.txt,true", "foo,false",
        "notes,false", "# comment,true", "trailing,false", "'trailing ',true", "build,true", "build/x,true",
        "bx.tmp,true", "ax.tmp,false", "data.csv,false", ".quiltignore,false"
    })
    void shouldFollowQuilt3FnmatchRules(String key, boolean ignored) {
        assertEquals(ignored, RULES.ignores(key));
    }
}

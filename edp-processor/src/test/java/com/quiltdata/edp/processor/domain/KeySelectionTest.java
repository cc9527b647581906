package com.quiltdata.edp.processor.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeySelectionTest {

    @ParameterizedTest(name = "{0} widened by {1} is {2}")
    @CsvSource({
            "lab/run-7/, 0, lab/run-7/, false",
            "lab/run-7/, 1, lab/, false",
            "lab/run-7/, 2, lab/, true",
            "lab/run-7/, 9, lab/, true",
            "a//b/, 1, a//, false",
            "my dir/x+y/, 1, my dir/, false",
    })
    void shouldWidenThePrefixButNeverToTheWholeBucket(String prefix, int levels, String pulled, boolean clamped) {
        assertEquals(new PulledPrefix(pulled, clamped), PulledPrefix.of(prefix, levels));
    }

    @Test
    void shouldSplitMatchKeysOnUnescapedCommasOnly() {
        // Given a quantifier with an escaped comma, a plain list entry and an escaped backslash before a separator
        List<String> regexes = MatchKeys.parse("\\.csv$, ^lab/\\d{2\\,4}/ ,a\\\\,b").regexes();

        // Then
        assertEquals(List.of("\\.csv$", "^lab/\\d{2,4}/", "a\\\\", "b"), regexes);
    }

    @Test
    void shouldMatchAnywhereInTheFullKeyOrEverythingWhenEmpty() {
        MatchKeys csv = MatchKeys.parse("\\.csv$,^lab/run-\\d{2\\,3}/raw/");
        assertTrue(csv.matches("lab/run-7/a.csv"));
        assertTrue(csv.matches("lab/run-77/raw/b.bin"));
        assertFalse(csv.matches("lab/run-7/b.bin"));
        assertTrue(MatchKeys.all().matches("anything"));
        assertTrue(MatchKeys.parse(" , ").matches("anything"));
    }

    @Test
    void shouldNameTheRegexThatDoesNotCompile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MatchKeys.parse("ok,(unclosed"));
        assertTrue(e.getMessage().contains("'(unclosed'"), e.getMessage());
    }

    @Test
    void shouldMapKeysToFilesAndBackWithoutLeavingTheRoot() {
        Path root = Path.of("/tmp/edp-batch-1");
        String prefix = "lab/run 7/";

        assertEquals(Optional.of(root.resolve("raw/a b+c.csv")), LocalPaths.localPath(root, prefix, "lab/run 7/raw/a b+c.csv"));
        assertEquals("lab/run 7/raw/a b+c.csv", LocalPaths.key(prefix, root, root.resolve("raw/a b+c.csv")));
        // folder markers, empty segments and dot segments are not local files
        assertEquals(Optional.empty(), LocalPaths.localPath(root, prefix, "lab/run 7/raw/"));
        assertEquals(Optional.empty(), LocalPaths.localPath(root, prefix, "lab/run 7/a//b"));
        assertEquals(Optional.empty(), LocalPaths.localPath(root, prefix, "lab/run 7/../../etc/passwd"));
        assertEquals(Optional.empty(), LocalPaths.localPath(root, prefix, "lab/run 7/./a"));
        assertEquals(Optional.empty(), LocalPaths.localPath(root, prefix, "lab/other/a"));
    }
}

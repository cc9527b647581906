package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogicalKeysTest {

    @Test
    void shouldSortInQuilt3TreeWalkOrder() {
        List<String> keys = new ArrayList<>(List.of("a0", "a.txt", "a-b.txt", "a/b.txt", "_x", "B/c", "A",
                "sort_\uff21", "sort_😀", "sort_\ue000", "a/b/c", "a/a"));
        keys.sort(LogicalKeys.WALK_ORDER);
        assertEquals(List.of("A", "B/c", "_x", "a/a", "a/b/c", "a/b.txt", "a-b.txt", "a.txt", "a0",
                "sort_\ue000", "sort_\uff21", "sort_😀"), keys);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a//b", "./x", "a/../b", "/a", "a/", ""})
    void shouldRefuseKeysQuilt3Refuses(String key) {
        assertNotNull(LogicalKeys.problem(key));
    }

    @ParameterizedTest
    @ValueSource(strings = {".hidden", "...", "a\\b", "my file+1.txt", "é/ü.txt"})
    void shouldAcceptUnusualButValidKeys(String key) {
        assertNull(LogicalKeys.problem(key));
    }
}

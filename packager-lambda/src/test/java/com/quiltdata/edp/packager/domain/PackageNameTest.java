package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PackageNameTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "''|package/null", "////|package/null", "a/|package/a", "instrument/exp-1/|instrument/exp-1",
        "omics-quilt/3395667/|omics-quilt/3395667", "my/s3/folder/|my_s3/folder", "a/b/c/d/|a_b_c/d", "a//b/|a/b",
        "my folder/x.y/|my-folder/x-y", "a.b.c/|package/a-b-c", "données/été 2024/|données/été-2024", "x/😀/|x/-",
        "a+b/c%20d/|a-b/c-20d", "//f*0//b@r//|f-0/b-r", "source/|package/source"
    })
    void shouldInferTheNameQuiltsPackagerInfers(String folder, String expected) {
        assertEquals(expected, PackageName.fromFolder(folder).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "données/été", "日本/データ", "a_b/c-d", "A/Z9"})
    void shouldAcceptValidNames(String name) {
        assertEquals(name, PackageName.parse(name).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad name", "a", "a/b/c", "a/", "/b", "a/b.c", "a/😀", "a:b/c", "a/b\u0301", ""})
    void shouldRefuseInvalidNames(String name) {
        assertThrows(InvalidPackageNameException.class, () -> PackageName.parse(name));
    }
}

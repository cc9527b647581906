package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.quiltdata.edp.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonJsonTest {

    @ParameterizedTest
    @CsvSource({
        "1.0,1.0", "100.0,100.0", "1e-05,1e-05", "0.0001,0.0001", "1e16,1e+16", "1000000000000000.0,1000000000000000.0",
        "-0.0,-0.0", "1.5e300,1.5e+300", "0.1,0.1", "1e-07,1e-07", "1e21,1e+21", "5e-324,5e-324",
        "1.7976931348623157e308,1.7976931348623157e+308", "123456789.12345679,123456789.12345679", "2.5e-05,2.5e-05",
        "1E2,100.0", "0.1e1,1.0", "1.50,1.5", "1e-400,0.0", "9007199254740993.0,9007199254740992.0", "2e-3,0.002",
        "1.0e22,1e+22", "123e-20,1.23e-18", "0.3,0.3", "2.675,2.675"
    })
    void shouldPrintFloatsAsPythonRepr(String json, String python) {
        assertEquals(python, PythonJson.manifest(Json.parse("[" + json + "]").get(0)));
    }

    @Test
    void shouldRefuseNonFiniteFloats() {
        assertThrows(IllegalArgumentException.class, () -> PythonJson.floatRepr(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> PythonJson.manifest(Json.parse("[1e400]")));
    }

    @Test
    void shouldKeepBigIntegersExactAndNegativeZeroIntAsZero() {
        assertEquals("[12345678901234567890, -98765432109876543210, 0]",
                PythonJson.manifest(Json.parse("[12345678901234567890, -98765432109876543210, -0]")));
    }

    @Test
    void shouldEscapeLikeEnsureAsciiFalseAndTrue() {
        var node = Json.parse("{\"k\\u00e9\": \"a\\u0000\\u001f\\u007f\\u2028 😀 é \\\\ \\\" / \\b\\f\\n\\r\\t\"}");
        assertEquals("{\"ké\": \"a\\u0000\\u001f\u007f\u2028 😀 é \\\\ \\\" / \\b\\f\\n\\r\\t\"}", PythonJson.manifest(node));
        assertEquals("{\"k\\u00e9\":\"a\\u0000\\u001f\\u007f\\u2028 \\ud83d\\ude00 \\u00e9 \\\\ \\\" / \\b\\f\\n\\r\\t\"}",
                PythonJson.canonical(node));
    }

    @Test
    void shouldSortKeysByCodePointNotUtf16() {
        var node = Json.parse("{\"sort_\\ud83d\\ude00\": 1, \"sort_\\uff21\": 2, \"sort_\\ue000\": 3, \"B\": 4, \"a\": 5}");
        assertEquals("{\"B\":4,\"a\":5,\"sort_\\ue000\":3,\"sort_\\uff21\":2,\"sort_\\ud83d\\ude00\":1}", PythonJson.canonical(node));
    }

    @Test
    void shouldKeepFirstPositionAndLastValueOfDuplicateKeys() {
        assertEquals("{\"a\": 3, \"b\": 2}", PythonJson.manifest(Json.parse("{\"a\": 1, \"b\": 2, \"a\": 3}")));
    }

    @Test
    void shouldRefuseLoneSurrogates() {
        assertThrows(IllegalArgumentException.class, () -> PythonJson.manifest(Json.parse("[\"\\ud800\"]")));
    }
}

package com.quiltdata.edp.emit.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RulesFileTest {
    private static final ReadinessRules DEFAULTS = new ReadinessRules(20, Duration.ofSeconds(300), Duration.ZERO, List.of("_SUCCESS"));
    private static final String SOURCE = "s3://edp-config/rules.json";

    @Test
    void aRuleOverridesOnlyTheFieldsItSetsAndKeepsTheStacksSentinels() {
        ThresholdRules rules = RulesFile.parse("""
                {"version": 1,
                 "rules": [
                   {"bucket": "lab-raw", "event_count": 500},
                   {"bucket": "lab-raw", "prefix": "instruments/seq-1/", "quiet_seconds": 900, "max_age_seconds": 7200}
                 ]}
                """, DEFAULTS, SOURCE);

        assertEquals(new ReadinessRules(500, Duration.ofSeconds(300), Duration.ZERO, List.of("_SUCCESS")),
                rules.rulesFor("lab-raw", "other/run-1/"));
        // the most specific scope wins whole: its unset count is the stack's, not the bucket scope's
        assertEquals(new ReadinessRules(20, Duration.ofSeconds(900), Duration.ofSeconds(7200), List.of("_SUCCESS")),
                rules.rulesFor("lab-raw", "instruments/seq-1/"));
        assertEquals(DEFAULTS, rules.rulesFor("lab-processed", "instruments/seq-1/"), "another bucket keeps the defaults");
        assertEquals(3, rules.groups().size(), "the defaults and two distinct rule sets");
        assertEquals(List.of(3, 4), rules.scopes().stream().map(ThresholdRules.Scope::line).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON at all                 | {"version": 1, "rules": [ {"bucket": "lab-raw", "event_count": 5},, ] }                            | line 1: not JSON
            wrong version                   | {"version": 2, "rules": []}                                                                        | line 1: version must be 1, got 2
            no version                      | {"rules": []}                                                                                      | line 1: version is missing
            unknown top-level field         | {"version": 1, "rule": []}                                                                         | line 1: unknown field "rule"
            misspelt threshold              | {"version": 1, "rules": [{"bucket": "lab-raw", "quiet_second": 5}]}                                | line 1: rule 1: unknown field "quiet_second"
            negative count                  | {"version": 1, "rules": [{"bucket": "lab-raw", "event_count": -3}]}                                | line 1: rule 1: event_count must be a whole number of at least 1, got -3
            count as text                   | {"version": 1, "rules": [{"bucket": "lab-raw", "event_count": "5"}]}                               | line 1: rule 1: event_count must be a whole number of at least 1, got "5"
            fractional seconds              | {"version": 1, "rules": [{"bucket": "lab-raw", "quiet_seconds": 1.5}]}                             | line 1: rule 1: quiet_seconds must be a whole number of at least 0, got 1.5
            bucket missing                  | {"version": 1, "rules": [{"prefix": "lab/", "event_count": 5}]}                                    | line 1: rule 1: bucket must be an S3 bucket name, got nothing
            bad bucket                      | {"version": 1, "rules": [{"bucket": "Lab_Raw", "event_count": 5}]}                                 | line 1: rule 1: bucket must be an S3 bucket name, got "Lab_Raw"
            absolute prefix                 | {"version": 1, "rules": [{"bucket": "lab-raw", "prefix": "/lab/", "event_count": 5}]}              | line 1: rule 1: prefix must be a key prefix that does not start with /
            rule without a threshold        | {"version": 1, "rules": [{"bucket": "lab-raw", "prefix": "lab/"}]}                                 | line 1: rule 1: sets none of event_count, quiet_seconds, max_age_seconds
            rule that is no object          | {"version": 1, "rules": [5]}                                                                       | line 1: rule 1 must be an object
            """)
    void aMalformedFileIsRefusedNamingTheFileLineAndField(String name, String text, String expected) {
        RulesFile.Invalid e = assertThrows(RulesFile.Invalid.class, () -> RulesFile.parse(text, DEFAULTS, SOURCE));
        assertTrue(e.getMessage().startsWith("rules file " + SOURCE + " " + expected), e.getMessage());
    }

    @Test
    void theLineIsTheLineOfTheRuleInAFileOfManyLines() {
        String text = """
                {
                  "version": 1,
                  "rules": [
                    {"bucket": "lab-raw", "event_count": 5},
                    {"bucket": "lab-raw",
                     "prefix": "seq/",
                     "max_age_seconds": -1}
                  ]
                }
                """;
        RulesFile.Invalid e = assertThrows(RulesFile.Invalid.class, () -> RulesFile.parse(text, DEFAULTS, SOURCE));
        assertEquals(5, e.line());
        assertEquals("rules file " + SOURCE + " line 5: rule 2: max_age_seconds must be a whole number of at least 0, got -1", e.getMessage());
    }

    @Test
    void theSameScopeTwiceIsRefusedNamingBothLines() {
        String text = """
                {"version": 1, "rules": [
                  {"bucket": "lab-raw", "prefix": "seq/", "event_count": 5},
                  {"bucket": "lab-raw", "prefix": "seq/", "event_count": 6}]}
                """;
        RulesFile.Invalid e = assertThrows(RulesFile.Invalid.class, () -> RulesFile.parse(text, DEFAULTS, SOURCE));
        assertEquals("rules file " + SOURCE + " line 3: bucket \"lab-raw\" prefix \"seq/\" is already set on line 2", e.getMessage());
    }

    @Test
    void anEmptyListIsTheStacksDefaults() {
        assertEquals(ThresholdRules.defaultsOnly(DEFAULTS), RulesFile.parse("{\"version\": 1, \"rules\": []}", DEFAULTS, SOURCE));
    }
}

package com.quiltdata.edp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageErrorsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                                      | a command is required",
        "local                                   | Missing required parameter: 'FOLDER'",
        "local /no/such/folder                   | does not exist",
        "frobnicate                              | Unmatched argument",
        "flush                                   | Missing required parameters",
        "backfill bucket/prefix                  | s3://",
        "package s3://b/p/                       | --queue-url or --local",
        "backfill s3://b/p/ --depth 0            | BUCKET_PREFIX_DEPTH must be",
        "backfill s3://b/p/ --depth 101          | BUCKET_PREFIX_DEPTH must be",
        "status --count 0                        | BUCKET_THRESHOLD_EVENT_COUNT must be",
    })
    void shouldExitTwoWithAMessageAndAHint(String args, String message) {
        // Given a command line with a mistake
        CapturedTerminal cli = new CapturedTerminal();

        // When it runs
        int exit = cli.run(args.isBlank() ? new String[0] : args.trim().split("\\s+"));

        // Then it exits 2, says what is wrong and how to go on, and prints no stack trace
        assertEquals(2, exit, cli.err());
        assertTrue(cli.err().contains(message), cli.err());
        assertTrue(cli.err().contains("hint:"), cli.err());
        assertFalse(cli.err().contains("\tat "), cli.err());
    }

    @Test
    void shouldRejectAnUnreadableDuration(@TempDir Path dir) {
        CapturedTerminal cli = new CapturedTerminal();

        int exit = cli.run("local", dir.toString(), "--quiet", "soon");

        assertEquals(2, exit);
        assertTrue(cli.err().contains("'soon' is not a duration"), cli.err());
    }

    @Test
    void shouldAskForADatabaseWhenNoneIsGiven() {
        CapturedTerminal cli = new CapturedTerminal();

        int exit = cli.run("status", "--jdbc-url", "jdbc:mysql://nowhere/x");

        assertEquals(2, exit);
        assertTrue(cli.err().contains("DB_URL must start with jdbc:postgresql:"), cli.err());
    }

    @Test
    void execHandsItsArgumentsToTheProcessor() {
        CapturedTerminal cli = new CapturedTerminal();

        // the processor's own parser sees "--help", and "--" with the program after it
        assertEquals(0, cli.run("exec", "--help"));
        // no event file and no queue: the processor's usage error, exit 2
        assertEquals(2, cli.run("exec", "--", "echo", "hi"));
        assertEquals(2, cli.run("exec", "--until-empty", "--frobnicate"));
    }
}

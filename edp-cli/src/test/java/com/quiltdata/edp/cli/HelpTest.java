package com.quiltdata.edp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HelpTest {

    @Test
    void everyCommandSummaryInTheHelpIsAWholeSentence() {
        CapturedTerminal cli = new CapturedTerminal();

        assertEquals(0, cli.run("--help"), cli.err());

        Map<String, String> summaries = commandSummaries(cli.out());
        assertTrue(summaries.keySet().containsAll(List.of("demo", "local", "status", "flush", "backfill", "package", "exec")),
                "every command is listed: " + summaries.keySet());
        List<String> cut = new ArrayList<>();
        summaries.forEach((command, summary) -> {
            if (!summary.endsWith(".")) {
                cut.add(command + ": '" + summary + "'");
            }
        });
        assertTrue(cut.isEmpty(), "summaries that stop mid-sentence:\n" + String.join("\n", cut));
    }

    /** The "Commands:" block: a command name at two spaces, its summary wrapped onto deeper-indented lines. */
    private static Map<String, String> commandSummaries(String help) {
        Map<String, String> summaries = new LinkedHashMap<>();
        String current = null;
        boolean inCommands = false;
        for (String line : help.split("\\R")) {
            if (line.startsWith("Commands:")) {
                inCommands = true;
            } else if (inCommands && line.matches("  \\S.*")) {
                String[] parts = line.trim().split("\\s+", 2);
                current = parts[0];
                summaries.put(current, parts.length > 1 ? parts[1].trim() : "");
            } else if (inCommands && current != null && line.startsWith("    ")) {
                summaries.put(current, summaries.get(current) + " " + line.trim());
            }
        }
        return summaries;
    }
}

package com.quiltdata.edp.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "backfill", mixinStandardHelpOptions = true, description = "not yet available")
public final class BackfillCommand implements Callable<Integer> {
    private final Terminal terminal;

    public BackfillCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        throw new UsageException("edp backfill is not available yet", "use edp demo or edp local");
    }
}

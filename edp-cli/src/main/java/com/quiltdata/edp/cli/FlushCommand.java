package com.quiltdata.edp.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "flush", mixinStandardHelpOptions = true, description = "not yet available")
public final class FlushCommand implements Callable<Integer> {
    private final Terminal terminal;

    public FlushCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        throw new UsageException("edp flush is not available yet", "use edp demo or edp local");
    }
}

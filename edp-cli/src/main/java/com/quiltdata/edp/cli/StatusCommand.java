package com.quiltdata.edp.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true, description = "not yet available")
public final class StatusCommand implements Callable<Integer> {
    private final Terminal terminal;

    public StatusCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        throw new UsageException("edp status is not available yet", "use edp demo or edp local");
    }
}

package com.quiltdata.edp.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "package", mixinStandardHelpOptions = true, description = "not yet available")
public final class PackageCommand implements Callable<Integer> {
    private final Terminal terminal;

    public PackageCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        throw new UsageException("edp package is not available yet", "use edp demo or edp local");
    }
}

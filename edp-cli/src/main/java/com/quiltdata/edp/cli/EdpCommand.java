package com.quiltdata.edp.cli;

import com.quiltdata.edp.config.ConfigurationException;
import com.quiltdata.edp.observe.Log;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code edp}: EDP on one machine ({@code local}, {@code demo}) and the operator's commands. */
@Command(name = "edp", mixinStandardHelpOptions = true, version = "edp 0.1.0",
        description = "Event-Driven Packaging for Quilt: files become batches, batches become Quilt packages.",
        subcommands = {DemoCommand.class, LocalCommand.class, StatusCommand.class, FlushCommand.class,
            BackfillCommand.class, PackageCommand.class, ExecCommand.class, CommandLine.HelpCommand.class})
public final class EdpCommand implements Runnable {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required: start with 'edp demo', or 'edp local <folder>'");
    }

    public static void main(String[] args) {
        // the Lambdas' JSON log lines are for CloudWatch; the CLI prints its own lines (EDP_LOG=1 shows them)
        Log.redirect(System.err, !CliEnvironment.current().flag("EDP_LOG"));
        System.exit(execute(Terminal.system(), args));
    }

    /** Runs one command line and returns its exit code: 0 done, 1 failed, 2 a usage mistake. */
    public static int execute(Terminal terminal, String... args) {
        CommandLine cli = new CommandLine(new EdpCommand(), new TerminalFactory(terminal));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // exec hands its whole argument list, options and "--" included, to the processor's parser
        CommandLine exec = cli.getSubcommands().get("exec");
        exec.setUnmatchedOptionsArePositionalParams(true);
        exec.setEndOfOptionsDelimiter("--edp-end-of-options");
        cli.setOut(terminal.outWriter());
        cli.setErr(terminal.errWriter());
        cli.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine cmd = ex.getCommandLine();
            terminal.error("edp: " + ex.getMessage());
            terminal.error("hint: run '" + cmd.getCommandSpec().qualifiedName() + " --help' to see its usage");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof UsageException u) {
                terminal.error("edp: " + u.getMessage());
                if (u.hint() != null) {
                    terminal.error("hint: " + u.hint());
                }
                return USAGE;
            }
            if (ex instanceof ConfigurationException c) {
                terminal.error("edp: " + c.getMessage());
                terminal.error("hint: set the variables named above, or pass the matching options (see --help)");
                return USAGE;
            }
            terminal.error("edp: " + cmd.getCommandName() + " failed: " + ex.getMessage());
            if (CliEnvironment.current().flag("EDP_DEBUG")) {
                StringWriter trace = new StringWriter();
                ex.printStackTrace(new PrintWriter(trace));
                terminal.error(trace.toString());
            } else {
                terminal.error("hint: EDP_DEBUG=1 shows where it failed");
            }
            return FAILED;
        });
        return cli.execute(args);
    }

    /** Gives every command the terminal to print on. */
    private record TerminalFactory(Terminal terminal) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(Terminal.class).newInstance(terminal);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }

}

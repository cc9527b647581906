package com.quiltdata.edp.cli;

import com.quiltdata.edp.processor.ProcessorMain;
import com.quiltdata.edp.processor.ProcessorWiring;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code edp exec}: the batch processor on this machine. Everything after {@code exec} goes to the
 * processor's own parser, so it behaves exactly as the processor jar does.
 */
@Command(name = "exec", sortOptions = false,
        header = "Run a program on each ready batch and write what it creates back to S3.",
        description = {"Run a program on each ready batch: poll a queue of package-objects-ready events (or take one event file),",
            "download the batch's files, run the program, upload what it created or changed.",
            "Usage: edp exec [--queue URL] [--until-empty] [EVENT.json] [-- program args...]",
            "Settings (COMMAND, MATCH_KEYS, PULL_PARENT_DIRS, EXECUTION_FILTER, TARGET_BUCKET, ...): docs/configuration.md"})
public final class ExecCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "ARGS", description = "passed to the processor unchanged")
    List<String> args = new ArrayList<>();

    public ExecCommand(Terminal terminal) {
        // output goes straight to the processor's streams
    }

    @Override
    public Integer call() {
        AtomicBoolean stop = new AtomicBoolean();
        Thread hook = new Thread(() -> stop.set(true), "edp-exec-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return ProcessorMain.run(args.toArray(String[]::new), ProcessorWiring.environment(), stop::get, System.err);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // the JVM is already shutting down
            }
        }
    }
}

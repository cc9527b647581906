package com.quiltdata.edp.processor;

import com.quiltdata.edp.config.ConfigurationException;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.processor.sqs.SqsQueuePoller;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The processor on any machine ({@code edp exec} delegates here). Either polls a queue until stopped
 * (SIGTERM or Ctrl-C finishes the current message first), or processes one event file:
 *
 * <pre>
 * ProcessorMain [--queue URL] [--until-empty] [-- program args...]
 * ProcessorMain EVENT.json [-- program args...]
 * </pre>
 *
 * The command after {@code --} wins over COMMAND; every other setting comes from the environment.
 * Exit status: 0 when every message was done with (processed or held), 1 when one failed, 2 for a
 * usage or configuration error.
 */
public final class ProcessorMain {
    private static final Log LOG = Log.of("processor");
    static final String USAGE = """
            usage: ProcessorMain [--queue URL] [--until-empty] [-- program args...]
                   ProcessorMain EVENT.json [-- program args...]
              --queue URL     poll this SQS queue (default: SQS_QUEUE_URL) until stopped
              --until-empty   stop when a receive returns no message
              EVENT.json      process one package-objects-ready event (envelope or bare detail)
              -- program ...  the command to run (default: COMMAND)""";

    private ProcessorMain() {}

    public static void main(String[] args) {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "processor-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int status;
        try {
            status = run(args, ProcessorWiring.environment(), stop::get, System.err);
        } finally {
            finished.countDown();
        }
        System.exit(status);
    }

    /** Runs one invocation; {@code stop} ends the poll loop between receives. */
    public static int run(String[] args, Map<String, String> environment, BooleanSupplier stop, PrintStream err) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (arguments.help) {
            err.println(USAGE);
            return 0;
        }
        ProcessorWiring wiring;
        try {
            wiring = ProcessorWiring.from(environment, arguments.command);
        } catch (ConfigurationException e) {
            err.println(e.getMessage());
            return 2;
        }
        if (arguments.eventFile.isPresent()) {
            return processFile(wiring, arguments.eventFile.get(), err);
        }
        Optional<String> queue = arguments.queueUrl.or(() -> wiring.settings().queueUrl());
        if (queue.isEmpty()) {
            err.println("give an event file, --queue URL or SQS_QUEUE_URL");
            err.println(USAGE);
            return 2;
        }
        SqsQueuePoller.Summary summary = wiring.poller(queue.get(), System.out::println).run(stop, arguments.untilEmpty);
        return summary.failed() == 0 ? 0 : 1;
    }

    private static int processFile(ProcessorWiring wiring, Path file, PrintStream err) {
        String body;
        try {
            body = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        Metrics metrics = new Metrics("processor", wiring.clock(), System.out::println);
        boolean done = wiring.messages().handle("file:" + file.getFileName(), body, null, metrics);
        metrics.flush();
        LOG.info(done ? "event file done with" : "event file failed", "file", file.getFileName().toString());
        return done ? 0 : 1;
    }

    /** The command line, parsed. */
    static final class Arguments {
        Optional<String> queueUrl = Optional.empty();
        Optional<Path> eventFile = Optional.empty();
        boolean untilEmpty;
        boolean help;
        List<String> command = List.of();

        static Arguments parse(String[] args) {
            Arguments a = new Arguments();
            List<String> list = Arrays.asList(args);
            for (int i = 0; i < list.size(); i++) {
                String arg = list.get(i);
                switch (arg) {
                    case "--" -> {
                        a.command = new ArrayList<>(list.subList(i + 1, list.size()));
                        if (a.command.isEmpty()) {
                            throw new IllegalArgumentException("nothing after --: name the program to run");
                        }
                        i = list.size();
                    }
                    case "--queue" -> {
                        if (i + 1 >= list.size()) {
                            throw new IllegalArgumentException("--queue needs a queue URL");
                        }
                        a.queueUrl = Optional.of(list.get(++i));
                    }
                    case "--until-empty" -> a.untilEmpty = true;
                    case "-h", "--help" -> a.help = true;
                    default -> {
                        if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        if (a.eventFile.isPresent()) {
                            throw new IllegalArgumentException("one event file at a time, got " + a.eventFile.get() + " and " + arg);
                        }
                        a.eventFile = Optional.of(Path.of(arg));
                    }
                }
            }
            if (a.eventFile.isPresent() && (a.queueUrl.isPresent() || a.untilEmpty)) {
                throw new IllegalArgumentException("give either an event file or --queue, not both");
            }
            return a;
        }
    }
}

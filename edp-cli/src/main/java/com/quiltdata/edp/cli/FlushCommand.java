package com.quiltdata.edp.cli;

import com.quiltdata.edp.emit.EmitWiring;
import com.quiltdata.edp.emit.FlushBatch;
import com.quiltdata.edp.emit.postgres.JdbcBatchRepository;
import com.quiltdata.edp.emit.eventbridge.EventBridgeEventPublisher;
import com.quiltdata.edp.postgres.Database;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code edp flush <bucket> <prefix>}: fire a prefix's open batch now, with trigger {@code manual}. */
@Command(name = "flush", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fire the open batch of a prefix now (trigger manual), whatever the thresholds say.")
public final class FlushCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BUCKET")
    String bucket;

    @Parameters(index = "1", paramLabel = "PREFIX", description = "the batch prefix, e.g. lab/run-7/")
    String prefix;

    @Option(names = "--event-bus", paramLabel = "NAME", description = "the EDP bus (default: EVENT_BUS_NAME)")
    String bus;

    @Mixin
    DatabaseOptions database = new DatabaseOptions();

    @Mixin
    S3Options aws = new S3Options();

    private final Terminal terminal;

    public FlushCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        CliEnvironment env = CliEnvironment.current();
        String busName = bus != null ? bus : env.get("EVENT_BUS_NAME").orElse(null);
        if (busName == null || busName.isBlank()) {
            throw new UsageException("no event bus given", "pass --event-bus <the stack's EDP bus name> or set EVENT_BUS_NAME");
        }
        String p = prefix.endsWith("/") ? prefix : prefix + "/";
        DatabaseLogin login = database.login(env);
        Clock clock = Clock.systemUTC();
        try (Database db = login.database()) {
            EventBridgeEventPublisher publisher = new EventBridgeEventPublisher(EmitWiring.eventBridge(aws.region(), aws.endpoint()),
                    busName, clock);
            FlushBatch.Outcome outcome = new FlushBatch(new JdbcBatchRepository(db), publisher, clock).flush(bucket, p);
            switch (outcome.status()) {
                case EMITTED -> {
                    terminal.line("fired " + bucket + "/" + p + " (batch " + outcome.batchId().orElseThrow() + ", trigger manual)");
                    return EdpCommand.OK;
                }
                case NONE_OPEN -> {
                    terminal.error("edp flush: no open batch for s3://" + bucket + "/" + p + "; nothing to fire");
                    terminal.error("hint: 'edp status' lists the open batches");
                    return EdpCommand.FAILED;
                }
                case BUSY -> {
                    terminal.error("edp flush: the batch is being emitted by a running tick right now; it fires anyway");
                    return EdpCommand.FAILED;
                }
                default -> {
                    terminal.error("edp flush: publishing to " + busName + " failed: " + outcome.detail());
                    return EdpCommand.FAILED;
                }
            }
        }
    }
}

package com.quiltdata.edp.processor;

import com.quiltdata.edp.aws.AwsClients;
import com.quiltdata.edp.config.ConfigurationException;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.observe.Log;
import com.quiltdata.edp.processor.exec.ProcessCommandRunner;
import com.quiltdata.edp.processor.port.FailureNotifier;
import com.quiltdata.edp.processor.s3.S3ObjectStore;
import com.quiltdata.edp.processor.sns.SnsFailureNotifier;
import com.quiltdata.edp.processor.sqs.SqsQueuePoller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Everything the processor needs, built once. The only place that reads the environment, builds SDK
 * clients, picks the clock and the temporary folder.
 */
public record ProcessorWiring(ProcessorSettings settings, MessageProcessor messages, Clock clock) {
    private static final Log LOG = Log.of("processor");

    /** The Lambda runtime's (or the shell's) environment. */
    public static Map<String, String> environment() {
        return System.getenv();
    }

    public static ProcessorWiring fromEnvironment() {
        return from(environment(), List.of());
    }

    /** @param commandOverride the command given on the command line; empty to use COMMAND */
    public static ProcessorWiring from(Map<String, String> environment, List<String> commandOverride) {
        ProcessorSettings settings = ProcessorSettings.from(new Env(environment), commandOverride,
                Path.of(System.getProperty("java.io.tmpdir")));
        Path workDir = settings.workDir();
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new ConfigurationException(List.of("WORK_DIR cannot be created: " + workDir + " (" + e.getMessage() + ")"));
        }
        // HttpURLConnection keeps only 5 idle connections per host by default; the transfers need more
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", String.valueOf(settings.downloadConcurrency() * 2));
        }
        S3Client s3 = AwsClients.configure(S3Client.builder().httpClient(AwsClients.httpClient()),
                settings.region(), settings.endpoints().s3()).forcePathStyle(settings.endpoints().s3().isPresent()).build();
        Optional<FailureNotifier> notifier = settings.topicArn().map(topic -> new SnsFailureNotifier(
                AwsClients.configure(SnsClient.builder().httpClient(AwsClients.httpClient()),
                        settings.region(), settings.endpoints().sns()).build(), topic));
        Clock clock = Clock.systemUTC();
        Consumer<String> commandOutput = line -> LOG.info("command output", "line", line);
        ProcessBatch useCase = new ProcessBatch(new S3ObjectStore(s3), settings.filter(),
                new ProcessCommandRunner(commandOutput, clock), transfers(settings.downloadConcurrency()),
                () -> usableSpace(workDir), settings.options());
        return new ProcessorWiring(settings, new MessageProcessor(useCase, notifier, clock), clock);
    }

    /** The poll loop for a queue, with an SQS client built from the same settings. */
    public SqsQueuePoller poller(String queueUrl, Consumer<String> metricsSink) {
        SqsClient sqs = AwsClients.configure(SqsClient.builder().httpClient(AwsClients.httpClient()),
                settings.region(), settings.endpoints().sqs()).build();
        return new SqsQueuePoller(sqs, queueUrl, messages, settings.maxMessages(), settings.waitSeconds(),
                settings.visibilityTimeout(), metricsSink);
    }

    private static long usableSpace(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Daemon threads, so a finished invocation never waits for them; the pool size bounds transfers. */
    private static ExecutorService transfers(int count) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(count, r -> {
            Thread t = new Thread(r, "processor-transfer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}

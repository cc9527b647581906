package com.quiltdata.edp.cli;

import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.packager.PackageOutcome;
import com.quiltdata.edp.packager.PackagePrefix;
import com.quiltdata.edp.packager.PackagerWiring;
import com.quiltdata.edp.packager.RejectedException;
import com.quiltdata.edp.packager.postgres.JdbcRevisionStore;
import com.quiltdata.edp.packager.domain.HashType;
import com.quiltdata.edp.packager.domain.PackageName;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.port.PackageRevision;
import com.quiltdata.edp.packager.port.RevisionStore;
import com.quiltdata.edp.packager.domain.PackageRequest;
import com.quiltdata.edp.packager.domain.RequestParser;
import com.quiltdata.edp.packager.s3.S3ContentHasher;
import com.quiltdata.edp.packager.s3.S3ObjectCopier;
import com.quiltdata.edp.packager.s3.S3ObjectLister;
import com.quiltdata.edp.packager.s3.S3ObjectReader;
import com.quiltdata.edp.packager.s3.S3PackageRegistry;
import com.quiltdata.edp.postgres.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * {@code edp package s3://bucket/prefix}: send a package description to the packager queue, or run
 * the packager in this process ({@code --local}). The description is checked with the packager's
 * own parser first, so a mistake is reported here and not in the DLQ.
 */
@Command(name = "package", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Package an S3 folder now: send a package description to the packager queue, or run the packager here (--local).")
public final class PackageCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "s3://BUCKET/PREFIX")
    String source;

    @Option(names = "--name", paramLabel = "NS/NAME", description = "package name (default: from the folder, as the packager names it)")
    String name;

    @Option(names = {"--message", "-m"}, paramLabel = "TEXT", description = "commit message")
    String message;

    @Option(names = "--registry", paramLabel = "BUCKET", description = "registry bucket (default: the source bucket)")
    String registry;

    @Option(names = "--queue-url", paramLabel = "URL", description = "the packager queue (default: PACKAGER_QUEUE_URL)")
    String queueUrl;

    @Option(names = "--local", description = "run the packager in this process instead of sending to the queue")
    boolean local;

    @Mixin
    ChecksumOption checksum = new ChecksumOption();

    @Mixin
    DatabaseOptions database = new DatabaseOptions();

    @Mixin
    S3Options aws = new S3Options();

    private final Terminal terminal;

    public PackageCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        S3Options.bucketAndPrefix(source, "package");
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("source_prefix", source.endsWith("/") ? source : source + "/");
        if (name != null) {
            description.put("package_name", name);
        }
        if (message != null) {
            description.put("commit_message", message);
        }
        if (registry != null) {
            description.put("registry", registry);
        }
        String body = Json.write(description);
        PackageRequest request;
        try {
            request = RequestParser.parse(body).request().orElseThrow();
        } catch (RejectedException e) {
            throw new UsageException(e.getMessage(), "check the source URL, --name (namespace/name) and --registry (a bucket name)");
        }
        String queue = queueUrl != null ? queueUrl : CliEnvironment.current().get("PACKAGER_QUEUE_URL").orElse(null);
        if (local) {
            return runHere(request);
        }
        if (queue == null || queue.isBlank()) {
            throw new UsageException("say where to package: --queue-url or --local",
                    "--queue-url <the stack's packager queue URL> sends it to the packager; --local packages it in this process");
        }
        try (SqsClient sqs = aws.sqs()) {
            String id = sqs.sendMessage(r -> r.queueUrl(queue).messageBody(body)).messageId();
            terminal.line("sent " + request.name() + " from " + request.sourceUri() + " to the packager queue (message " + id + ")");
            return EdpCommand.OK;
        } catch (SqsException e) {
            throw new UsageException("cannot send to " + queue + ": " + e.awsErrorDetails().errorMessage(),
                    "check --queue-url, your AWS credentials and --region");
        }
    }

    private int runHere(PackageRequest request) {
        Clock clock = Clock.systemUTC();
        CliEnvironment env = CliEnvironment.current();
        Database db = database.given() || env.get("DB_URL").isPresent() || env.get("DB_HOST").isPresent()
                ? database.login(env).database() : null;
        ExecutorService workers = PackagerWiring.workers(PackagerWiring.WORKERS);
        try (S3Client s3 = aws.s3()) {
            S3ObjectReader reader = new S3ObjectReader(s3);
            HashType hashType = checksum.hashType();
            S3ContentHasher hasher = new S3ContentHasher(s3, S3ContentHasher.Options.defaults(hashType));
            RevisionStore revisions = db != null ? new JdbcRevisionStore(db) : new UnrecordedRevisions();
            PackagePrefix packager = new PackagePrefix(new S3ObjectLister(s3), hasher, new S3ObjectCopier(s3, hasher, hashType), reader,
                    new S3PackageRegistry(s3, reader), revisions, new Notifier() {
                        @Override
                        public void packageCreated(PackageRevision revision) {}

                        @Override
                        public void packageFailed(Failure failure) {}
                    }, workers, clock, Duration.ZERO, Path.of(System.getProperty("java.io.tmpdir")));
            terminal.progress("packaging", 0, -1, request.sourceUri());
            PackageOutcome outcome = packager.run(request);
            terminal.progressDone();
            terminal.line((outcome.kind() == PackageOutcome.Kind.CREATED ? "created " : "unchanged ") + outcome.name() + "@"
                    + outcome.topHash() + " in s3://" + outcome.registry() + " (" + outcome.objects() + " files; " + outcome.detail() + ")");
            return EdpCommand.OK;
        } catch (RejectedException e) {
            terminal.progressDone();
            throw new UsageException(e.getMessage(), "the packager cannot package this as asked; fix the request and run it again");
        } finally {
            workers.shutdown();
            if (db != null) {
                db.close();
            }
        }
    }

    /** Without a database, nothing remembers revisions: the registry's latest pointer still dedupes. */
    public static final class UnrecordedRevisions implements RevisionStore {
        @Override
        public boolean hasBatch(UUID batchId) {
            return false;
        }

        @Override
        public boolean hasRevision(String registry, PackageName name, String topHash) {
            return true;
        }

        @Override
        public void record(PackageRevision revision) {}
    }
}

package com.quiltdata.edp.packager;

import com.quiltdata.edp.aws.AwsClients;
import com.quiltdata.edp.aws.Databases;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.packager.postgres.JdbcRevisionStore;
import com.quiltdata.edp.packager.port.ContinuationQueue;
import com.quiltdata.edp.packager.port.Notifier;
import com.quiltdata.edp.packager.domain.AutomaticPackages;
import com.quiltdata.edp.packager.s3.S3CheckpointStore;
import com.quiltdata.edp.packager.s3.S3ContentHasher;
import com.quiltdata.edp.packager.s3.S3ObjectCopier;
import com.quiltdata.edp.packager.s3.S3ObjectLister;
import com.quiltdata.edp.packager.s3.S3ObjectReader;
import com.quiltdata.edp.packager.s3.S3PackageRegistry;
import com.quiltdata.edp.packager.sns.SnsNotifier;
import com.quiltdata.edp.packager.sqs.SqsContinuationQueue;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Everything the handler needs, built once per execution environment. The only place that reads
 * the environment, builds SDK clients and picks the clock.
 *
 * @param packagePrefix the use case
 * @param notifier      also told about rejected requests
 * @param clock         for durations and metrics timestamps
 */
public record PackagerWiring(PackagePrefix packagePrefix, Notifier notifier, Clock clock, AutomaticPackages automaticPackages,
        Optional<ContinuationQueue> queue, Duration checkpointMargin) {
    public PackagerWiring(PackagePrefix packagePrefix, Notifier notifier, Clock clock) {
        this(packagePrefix, notifier, clock, AutomaticPackages.SOURCE_BUCKET);
    }

    public PackagerWiring(PackagePrefix packagePrefix, Notifier notifier, Clock clock, AutomaticPackages automaticPackages) {
        this(packagePrefix, notifier, clock, automaticPackages, Optional.empty(), Duration.ZERO);
    }

    /** The use case the handler (or any other receiver of queue messages) hands messages to. */
    public PackageMessages messages() {
        return new PackageMessages(packagePrefix, notifier, automaticPackages, clock, queue, checkpointMargin);
    }

    /** Objects checksummed or copied at once: S3 calls are I/O bound; each streamed object holds one buffer. */
    public static final int WORKERS = 32;

    public static PackagerWiring fromEnvironment() {
        // HttpURLConnection keeps only 5 idle connections per host by default; the workers need more
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", String.valueOf(WORKERS * 2));
        }
        PackagerSettings settings = PackagerSettings.from(new Env(System.getenv()));
        S3Client s3 = AwsClients.configure(S3Client.builder().httpClient(AwsClients.httpClient()),
                settings.region(), settings.endpoint())
                .forcePathStyle(settings.endpoint().isPresent())
                // the packager hashes every byte it reads itself; a second checksum on each GET only costs CPU
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
        SnsClient sns = AwsClients.configure(SnsClient.builder().httpClient(AwsClients.httpClient()),
                settings.region(), settings.endpoint()).build();
        Clock clock = Clock.systemUTC();
        Notifier notifier = new SnsNotifier(sns, settings.topicArn(), settings.catalogUrl());
        S3ObjectReader reader = new S3ObjectReader(s3);
        S3ContentHasher hasher = new S3ContentHasher(s3, S3ContentHasher.Options.defaults(settings.manifestChecksum()));
        PackagePrefix useCase = new PackagePrefix(new S3ObjectLister(s3), hasher,
                new S3ObjectCopier(s3, hasher, settings.manifestChecksum()), reader,
                new S3PackageRegistry(s3, reader), new JdbcRevisionStore(Databases.connect(settings.database(), settings.region())),
                notifier, workers(WORKERS), clock, settings.packageReadyDelay(), Path.of(System.getProperty("java.io.tmpdir")),
                Optional.of(new S3CheckpointStore(s3)));
        Optional<ContinuationQueue> queue = settings.queueUrl().map(url -> new SqsContinuationQueue(
                AwsClients.configure(SqsClient.builder().httpClient(AwsClients.httpClient()), settings.region(), settings.endpoint()).build(),
                url));
        return new PackagerWiring(useCase, notifier, clock, settings.automaticPackages(), queue, settings.checkpointMargin());
    }

    /** Daemon threads, so a finished invocation never waits for them. */
    public static ExecutorService workers(int count) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(count, r -> {
            Thread t = new Thread(r, "packager-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}

package com.quiltdata.edp.testing;

import com.adobe.testing.s3mock.S3MockApplication;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * S3Mock (which keeps SHA-256 checksums and versions) in this JVM on a random port, its store under
 * {@code target/}. Start one per test class; buckets are created with {@link #createBucket}.
 */
public final class InProcessS3 implements AutoCloseable {
    private static final AtomicInteger STORES = new AtomicInteger();
    private final S3MockApplication app;
    private final S3Client client;
    private final Path root;

    private InProcessS3(S3MockApplication app, Path root) {
        this.app = app;
        this.root = root;
        this.client = S3Client.builder()
                .endpointOverride(endpoint(app.getHttpPort()))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                // as PackagerWiring: the packager hashes what it reads itself
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    public static InProcessS3 start() {
        if (System.getProperty("org.springframework.boot.logging.LoggingSystem") == null) {
            System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        }
        Path root = Path.of("target", "s3mock", ProcessHandle.current().pid() + "-" + STORES.incrementAndGet()).toAbsolutePath();
        try {
            java.nio.file.Files.createDirectories(root);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // S3Mock removes keys from this map, so it must be mutable
        Map<String, Object> props = new HashMap<>();
        props.put(S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT);
        props.put(S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT);
        props.put(S3MockApplication.PROP_SILENT, Boolean.getBoolean("s3mock.verbose") ? false : true);
        props.put("com.adobe.testing.s3mock.store.root", root.toString());
        return new InProcessS3(S3MockApplication.start(props), root);
    }

    private static URI endpoint(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Where S3Mock keeps this instance's objects (under {@code target/}). */
    public Path storeRoot() {
        return root;
    }

    public URI endpoint() {
        return endpoint(app.getHttpPort());
    }

    /** A client of this S3: path style, dummy credentials, url-connection HTTP. */
    public S3Client client() {
        return client;
    }

    public void createBucket(String bucket, boolean versioned) {
        client.createBucket(r -> r.bucket(bucket));
        if (versioned) {
            client.putBucketVersioning(r -> r.bucket(bucket)
                    .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        }
    }

    @Override
    public void close() {
        client.close();
        app.stop();
    }
}

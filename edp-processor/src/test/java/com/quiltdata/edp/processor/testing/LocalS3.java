package com.quiltdata.edp.processor.testing;

import com.adobe.testing.s3mock.S3MockApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** S3Mock in this JVM on a random port, its store under {@code target/}; one per test class. */
public final class LocalS3 implements AutoCloseable {
    private static final AtomicInteger STORES = new AtomicInteger();
    private final S3MockApplication app;
    private final S3Client client;

    private LocalS3(S3MockApplication app) {
        this.app = app;
        this.client = S3Client.builder().endpointOverride(endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static LocalS3 start() {
        // the parent's surefire configuration sets this; keep the helper usable from an IDE too
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        Path root = Path.of("target", "s3mock", ProcessHandle.current().pid() + "-" + STORES.incrementAndGet()).toAbsolutePath();
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> props = new HashMap<>(); // S3Mock removes entries: it must be mutable
        props.put(S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT);
        props.put(S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT);
        props.put(S3MockApplication.PROP_SILENT, true);
        props.put("com.adobe.testing.s3mock.store.root", root.toString());
        return new LocalS3(S3MockApplication.start(props));
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + app.getHttpPort());
    }

    public S3Client client() {
        return client;
    }

    public void createBucket(String bucket) {
        client.createBucket(r -> r.bucket(bucket));
    }

    public void put(String bucket, String key, String text) {
        client.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(text, StandardCharsets.UTF_8));
    }

    public String get(String bucket, String key) {
        return client.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
    }

    /** Every object under a prefix: key → last-modified and ETag, to see what a run wrote. */
    public Map<String, String> snapshot(String bucket, String prefix) {
        Map<String, String> objects = new TreeMap<>();
        for (S3Object o : client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
            objects.put(o.key(), o.lastModified() + " " + o.eTag());
        }
        return objects;
    }

    @Override
    public void close() {
        client.close();
        app.stop();
    }
}

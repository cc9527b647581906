package com.quiltdata.edp.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A local {@code moto_server} (the moto AWS emulator from the default python3) on 127.0.0.1 and a free
 * port, for tests that need the AWS side without an account. Start it with {@link #start()}, point SDK
 * clients at it with {@link #client}, stop it with {@link #close()}, which ends exactly the process it
 * started (by its PID). Check {@link #available()} first and skip where moto is not installed.
 *
 * <p>moto's account is always {@value #ACCOUNT}; its known gaps are listed in the shared aws-facts
 * notes and in {@link MotoCompatibility}.
 */
public final class MotoServer implements AutoCloseable {
    public static final String ACCOUNT = "123456789012";
    public static final Region REGION = Region.US_EAST_1;
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Path log;

    private MotoServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** True where the default python3 has moto with its server extras (flask, werkzeug). */
    public static boolean available() {
        return Python.withModule("moto.server");
    }

    /** The message tests give when they skip for lack of moto. */
    public static String unavailableMessage() {
        return "moto is not installed in " + Python.INTERPRETER + "; skipping (pip install \"moto[server]\" to run this test)";
    }

    /** Starts a fresh server and waits until it answers. */
    public static MotoServer start() {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Path log = Repository.scratch("moto").resolve("moto-server-" + port + ".log");
            Process process;
            try {
                process = new ProcessBuilder(List.of(Python.INTERPRETER, "-m", "moto.server", "-H", "127.0.0.1", "-p", Integer.toString(port)))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start moto_server: " + e.getMessage(), e);
            }
            MotoServer server = new MotoServer(process, port, log);
            try {
                server.awaitReady();
                return server;
            } catch (IllegalStateException e) {
                server.close();
                last = e;
            }
        }
        throw last;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** The PID of the moto_server process this object started. */
    public long pid() {
        return process.pid();
    }

    /** Where the server's output goes (under integration-tests/target/moto/). */
    public Path log() {
        return log;
    }

    /** Builds an SDK v2 client for this server: endpoint, region, dummy credentials, url-connection HTTP client. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        builder.endpointOverride(endpoint())
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("moto", "moto")));
        builder.httpClientBuilder(UrlConnectionHttpClient.builder());
        return builder.build();
    }

    /** An S3 client for this server (path-style addressing, as emulators need). */
    public S3Client s3() {
        return client(S3Client.builder().forcePathStyle(true));
    }

    /** Wipes every resource in the server ({@code POST /moto-api/reset}). */
    public void reset() {
        int status = post("/moto-api/reset", new byte[0]);
        if (status != 200) {
            throw new IllegalStateException("moto reset answered HTTP " + status);
        }
    }

    /**
     * Turns on "Send notifications to Amazon EventBridge" for a bucket of this server, as a user does on
     * the monitored bucket. The SDK v2 drops the empty {@code <EventBridgeConfiguration/>} element from
     * PutBucketNotificationConfiguration, and moto only switches EventBridge on when the element is
     * there, so the request is sent as plain XML.
     */
    public void enableEventBridgeNotifications(String bucket) {
        byte[] body = ("<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<EventBridgeConfiguration></EventBridgeConfiguration></NotificationConfiguration>").getBytes(StandardCharsets.UTF_8);
        int status = send("PUT", "/" + bucket + "?notification", "application/xml", body);
        if (status != 200) {
            throw new IllegalStateException("moto refused EventBridge notifications for " + bucket + ": HTTP " + status);
        }
    }

    /** Sends a JSON body to a path of the server with PUT and returns the HTTP status. */
    public int putJson(String pathAndQuery, byte[] body) {
        return send("PUT", pathAndQuery, "application/json", body);
    }

    /**
     * Calls moto's Lambda REST API (which no SDK client here speaks) and returns the body; moto picks
     * the service from the credential scope of the Authorization header, which it does not check.
     */
    public String lambdaApi(String method, String path, String jsonBody) {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint().resolve(path).toURL().openConnection();
            connection.setRequestMethod(method);
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(30_000);
            connection.setRequestProperty("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/" + REGION.id()
                    + "/lambda/aws4_request, SignedHeaders=host, Signature=0");
            if (jsonBody != null) {
                connection.setDoOutput(true);
                connection.setRequestProperty("Content-Type", "application/json");
                connection.getOutputStream().write(jsonBody.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            int status = connection.getResponseCode();
            String body = new String((status < 400 ? connection.getInputStream() : connection.getErrorStream()).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            connection.disconnect();
            if (status >= 400) {
                throw new IllegalStateException(method + " " + path + ": HTTP " + status + " " + body);
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int post(String pathAndQuery, byte[] body) {
        return send("POST", pathAndQuery, "application/json", body);
    }

    private int send(String method, String pathAndQuery, String contentType, byte[] body) {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint().resolve(pathAndQuery).toURL().openConnection();
            connection.setRequestMethod(method);
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(30_000);
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", contentType);
            connection.getOutputStream().write(body);
            int status = connection.getResponseCode();
            (status < 400 ? connection.getInputStream() : connection.getErrorStream()).readAllBytes();
            connection.disconnect();
            return status;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) endpoint().resolve("/moto-api/").toURL().openConnection();
                connection.setConnectTimeout(500);
                connection.setReadTimeout(2_000);
                if (connection.getResponseCode() == 200) {
                    connection.getInputStream().readAllBytes();
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            sleep(200);
        }
        throw new IllegalStateException("moto_server did not answer on port " + port + " within " + STARTUP + "; see " + log);
    }

    /** Stops the server: SIGTERM to its PID, then SIGKILL if it has not gone after five seconds. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for moto_server", e);
        }
    }
}

package com.quiltdata.edp.packager.testing;

import com.quiltdata.edp.aws.AwsClients;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 stand-in whose own cost per request is negligible, with a fixed latency added to every
 * request: what the packager's concurrency and hashing achieve against S3-like latency, without
 * measuring an emulator. Objects live in memory (their bytes may be slices of one shared array);
 * it answers the calls the packager makes: ListObjectVersions, HeadObject and GetObject (with the
 * stored SHA-256 or CRC64NVME checksum when asked), GetObjectAttributes and PutObject. Anything else
 * is 501 NotImplemented, which the packager treats as "S3 cannot do that here".
 */
public final class StandInS3 implements AutoCloseable {
    private static final String NS = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final int LARGEST_KEPT_BODY = 1 << 20;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    /**
     * One stored object.
     *
     * @param sha256       {@code x-amz-checksum-sha256} as S3 reports it ({@code X} or {@code X-N}), or null
     * @param partSizes    the multipart upload's part sizes, or null for a single PUT
     * @param partSha256s  the parts' base64 SHA-256 (GetObjectAttributes), or null
     * @param crc64        {@code x-amz-checksum-crc64nvme}, or null
     */
    public record StoredObject(String versionId, byte[] data, int offset, long size, String sha256, long[] partSizes,
            String[] partSha256s, String crc64, Instant lastModified) {
        void write(OutputStream out) throws IOException {
            out.write(data, offset, (int) size);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final Map<String, NavigableMap<String, StoredObject>> buckets = new HashMap<>();
    private volatile long latencyMillis;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytesServed = new AtomicLong();
    private final AtomicLong handlerNanos = new AtomicLong();

    private StandInS3(long latencyMillis) throws IOException {
        this.latencyMillis = latencyMillis;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stand-in-s3");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public static StandInS3 start(long latencyMillis) {
        try {
            return new StandInS3(latencyMillis);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the S3 stand-in", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A client set up as the packager's own (path style, no response checksum validation). */
    public S3Client client() {
        return AwsClients.configure(S3Client.builder().httpClient(AwsClients.httpClient()), "us-east-1", Optional.of(endpoint()))
                .forcePathStyle(true)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    public void latencyMillis(long millis) {
        latencyMillis = millis;
    }

    public long requests() {
        return requests.get();
    }

    /** Time spent answering requests, the injected latency excluded. */
    public long handlerNanos() {
        return handlerNanos.get();
    }

    public long bytesServed() {
        return bytesServed.get();
    }

    public synchronized void createBucket(String bucket) {
        buckets.computeIfAbsent(bucket, b -> new ConcurrentSkipListMap<>());
    }

    public void put(String bucket, String key, StoredObject object) {
        bucket(bucket).put(key, object);
    }

    /** An object as one PUT stores it, with the SHA-256 checksum or with CRC64NVME (S3's default) or both. */
    public static StoredObject single(byte[] data, int offset, int length, boolean withSha256, String crc64) {
        String sha = withSha256 ? Base64.getEncoder().encodeToString(sha256(data, offset, length)) : null;
        return new StoredObject(newVersion(), data, offset, length, sha, null, null, crc64, Instant.now());
    }

    /** An object as a multipart upload with SHA-256 stores it: a composite checksum of its parts. */
    public static StoredObject multipart(byte[] data, int offset, int length, int partSize) {
        int parts = (length + partSize - 1) / partSize;
        long[] sizes = new long[parts];
        String[] shas = new String[parts];
        MessageDigest outer = digest();
        for (int i = 0; i < parts; i++) {
            int from = offset + i * partSize;
            int len = Math.min(partSize, length - i * partSize);
            byte[] d = sha256(data, from, len);
            sizes[i] = len;
            shas[i] = Base64.getEncoder().encodeToString(d);
            outer.update(d);
        }
        String composite = Base64.getEncoder().encodeToString(outer.digest()) + "-" + parts;
        return new StoredObject(newVersion(), data, offset, length, composite, sizes, shas, null, Instant.now());
    }

    private synchronized NavigableMap<String, StoredObject> bucket(String name) {
        return buckets.get(name);
    }

    private static String newVersion() {
        return UUID.randomUUID().toString();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            if (latencyMillis > 0) {
                Thread.sleep(latencyMillis);
            }
            long start = System.nanoTime();
            route(exchange);
            handlerNanos.addAndGet(System.nanoTime() - start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            error(exchange, 500, "InternalError", String.valueOf(e));
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        String rest = path.substring(1);
        int slash = rest.indexOf('/');
        String bucketName = decode(slash < 0 ? rest : rest.substring(0, slash));
        String key = slash < 0 ? "" : decode(rest.substring(slash + 1));
        NavigableMap<String, StoredObject> bucket = bucket(bucketName);
        if (bucket == null) {
            error(ex, 404, "NoSuchBucket", bucketName);
            return;
        }
        String method = ex.getRequestMethod();
        if (key.isEmpty() && method.equals("GET") && query.containsKey("versions")) {
            listVersions(ex, bucketName, bucket, query);
        } else if (method.equals("PUT") && !key.isEmpty() && !ex.getRequestHeaders().containsKey("x-amz-copy-source")
                && !query.containsKey("uploadId")) {
            putObject(ex, bucket, key);
        } else if ((method.equals("GET") || method.equals("HEAD")) && !key.isEmpty()) {
            StoredObject o = bucket.get(key);
            if (o == null || (query.containsKey("versionId") && !query.get("versionId").equals(o.versionId()))) {
                error(ex, 404, "NoSuchKey", key);
            } else if (query.containsKey("attributes")) {
                attributes(ex, o);
            } else {
                object(ex, o, method.equals("HEAD"));
            }
        } else {
            error(ex, 501, "NotImplemented", method + " " + path + " is not part of this stand-in");
        }
    }

    private void object(HttpExchange ex, StoredObject o, boolean headOnly) throws IOException {
        Headers h = ex.getResponseHeaders();
        objectHeaders(h, o);
        if ("ENABLED".equalsIgnoreCase(ex.getRequestHeaders().getFirst("x-amz-checksum-mode"))) {
            if (o.sha256() != null) {
                h.set("x-amz-checksum-sha256", o.sha256());
                h.set("x-amz-checksum-type", o.partSizes() == null ? "FULL_OBJECT" : "COMPOSITE");
            } else if (o.crc64() != null) {
                h.set("x-amz-checksum-crc64nvme", o.crc64());
                h.set("x-amz-checksum-type", "FULL_OBJECT");
            }
        }
        h.set("Content-Type", "application/octet-stream");
        if (headOnly) {
            h.set("Content-Length", String.valueOf(o.size()));
            ex.sendResponseHeaders(200, -1);
            return;
        }
        ex.sendResponseHeaders(200, o.size() == 0 ? -1 : o.size());
        if (o.size() > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                o.write(out);
            }
            bytesServed.addAndGet(o.size());
        }
    }

    private static void objectHeaders(Headers h, StoredObject o) {
        h.set("ETag", "\"" + o.versionId().replace("-", "") + "\"");
        h.set("Last-Modified", HTTP_DATE.format(o.lastModified()));
        h.set("x-amz-version-id", o.versionId());
    }

    private void attributes(HttpExchange ex, StoredObject o) throws IOException {
        StringBuilder x = new StringBuilder("<GetObjectAttributesResponse xmlns=\"" + NS + "\">");
        x.append("<ETag>").append(o.versionId().replace("-", "")).append("</ETag>");
        if (o.sha256() != null) {
            x.append("<Checksum><ChecksumSHA256>").append(o.sha256().replaceAll("-\\d+$", "")).append("</ChecksumSHA256><ChecksumType>")
                    .append(o.partSizes() == null ? "FULL_OBJECT" : "COMPOSITE").append("</ChecksumType></Checksum>");
        } else if (o.crc64() != null) {
            x.append("<Checksum><ChecksumCRC64NVME>").append(o.crc64()).append("</ChecksumCRC64NVME><ChecksumType>FULL_OBJECT</ChecksumType></Checksum>");
        }
        if (o.partSizes() != null) {
            x.append("<ObjectParts><TotalPartsCount>").append(o.partSizes().length).append("</TotalPartsCount>")
                    .append("<PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>").append(o.partSizes().length)
                    .append("</NextPartNumberMarker><MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>");
            for (int i = 0; i < o.partSizes().length; i++) {
                x.append("<Part><PartNumber>").append(i + 1).append("</PartNumber><Size>").append(o.partSizes()[i])
                        .append("</Size><ChecksumSHA256>").append(o.partSha256s()[i]).append("</ChecksumSHA256></Part>");
            }
            x.append("</ObjectParts>");
        }
        x.append("<StorageClass>STANDARD</StorageClass><ObjectSize>").append(o.size()).append("</ObjectSize></GetObjectAttributesResponse>");
        objectHeaders(ex.getResponseHeaders(), o);
        xml(ex, 200, x.toString());
    }

    private void listVersions(HttpExchange ex, String name, NavigableMap<String, StoredObject> bucket, Map<String, String> q)
            throws IOException {
        String prefix = q.getOrDefault("prefix", "");
        String marker = q.getOrDefault("key-marker", "");
        int max = Integer.parseInt(q.getOrDefault("max-keys", "1000"));
        boolean urlEncoded = "url".equals(q.get("encoding-type"));
        StringBuilder x = new StringBuilder("<ListVersionsResult xmlns=\"" + NS + "\"><Name>").append(escape(name))
                .append("</Name><Prefix>").append(text(prefix, urlEncoded)).append("</Prefix><MaxKeys>").append(max).append("</MaxKeys>");
        if (urlEncoded) {
            x.append("<EncodingType>url</EncodingType>");
        }
        StringBuilder versions = new StringBuilder();
        int count = 0;
        String last = null;
        boolean truncated = false;
        NavigableMap<String, StoredObject> after = marker.isEmpty() ? bucket.tailMap(prefix, true) : bucket.tailMap(marker, false);
        for (Map.Entry<String, StoredObject> e : after.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            if (count == max) {
                truncated = true;
                break;
            }
            StoredObject o = e.getValue();
            versions.append("<Version><Key>").append(text(e.getKey(), urlEncoded)).append("</Key><VersionId>").append(o.versionId())
                    .append("</VersionId><IsLatest>true</IsLatest><LastModified>").append(o.lastModified())
                    .append("</LastModified><ETag>\"").append(o.versionId().replace("-", "")).append("\"</ETag><Size>").append(o.size())
                    .append("</Size><StorageClass>STANDARD</StorageClass>");
            if (o.sha256() != null) {
                versions.append("<ChecksumAlgorithm>SHA256</ChecksumAlgorithm>");
            } else if (o.crc64() != null) {
                versions.append("<ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm>");
            }
            versions.append("</Version>");
            last = e.getKey();
            count++;
        }
        x.append("<IsTruncated>").append(truncated).append("</IsTruncated>");
        if (truncated) {
            x.append("<NextKeyMarker>").append(text(last, urlEncoded)).append("</NextKeyMarker><NextVersionIdMarker>")
                    .append(bucket.get(last).versionId()).append("</NextVersionIdMarker>");
        }
        x.append(versions).append("</ListVersionsResult>");
        xml(ex, 200, x.toString());
    }

    private void putObject(HttpExchange ex, NavigableMap<String, StoredObject> bucket, String key) throws IOException {
        byte[] body = body(ex);
        // large bodies (a million-entry manifest) are counted, not kept: nothing reads them back
        byte[] kept = body.length <= LARGEST_KEPT_BODY ? body : new byte[0];
        StoredObject o = new StoredObject(newVersion(), kept, 0, kept.length, null, null, null, null, Instant.now());
        bucket.put(key, o);
        objectHeaders(ex.getResponseHeaders(), o);
        ex.sendResponseHeaders(200, -1);
    }

    /** The request body, with aws-chunked framing (the SDK's trailing checksums) removed. */
    private static byte[] body(HttpExchange ex) throws IOException {
        byte[] raw;
        try (InputStream in = ex.getRequestBody()) {
            raw = in.readAllBytes();
        }
        String encoding = String.valueOf(ex.getRequestHeaders().getFirst("Content-Encoding"));
        String sha = String.valueOf(ex.getRequestHeaders().getFirst("x-amz-content-sha256"));
        if (!encoding.contains("aws-chunked") && !sha.startsWith("STREAMING-")) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        int i = 0;
        while (i < raw.length) {
            int eol = indexOfCrLf(raw, i);
            String header = new String(raw, i, eol - i, StandardCharsets.US_ASCII);
            int size = Integer.parseInt(header.split(";", 2)[0].trim(), 16);
            i = eol + 2;
            if (size == 0) {
                break;
            }
            out.write(raw, i, size);
            i += size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOfCrLf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return b.length;
    }

    private static void error(HttpExchange ex, int status, String code, String message) {
        try {
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            xml(ex, status, "<Error><Code>" + code + "</Code><Message>" + escape(message) + "</Message></Error>");
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static void xml(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/xml");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String text(String s, boolean urlEncoded) {
        return urlEncoded ? percentEncode(s) : escape(s);
    }

    private static String percentEncode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-_.~/".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
        }
        return out.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            q.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return q;
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data, int offset, int length) {
        MessageDigest md = digest();
        md.update(data, offset, length);
        return md.digest();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}

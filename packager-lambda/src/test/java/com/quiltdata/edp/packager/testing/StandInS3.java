package com.quiltdata.edp.packager.testing;

import com.quiltdata.edp.aws.AwsClients;
import com.quiltdata.edp.packager.domain.Crc64Nvme;
import com.sun.net.httpserver.Headers;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * stored SHA-256 or CRC64NVME checksum when asked), GetObjectAttributes and PutObject; with
 * {@link #copiesWithChecksums} also CopyObject and multipart copies (CreateMultipartUpload,
 * UploadPartCopy, CompleteMultipartUpload, AbortMultipartUpload) that return the checksums S3
 * computes. Anything else is 501 NotImplemented, which the packager treats as "S3 cannot do that here".
 * HTTP/1.1 is served by one thread per keep-alive connection with blocking sockets: no selector
 * hand-off per request, so the stand-in's CPU per request stays a few percent of the latency.
 */
public final class StandInS3 implements AutoCloseable {
    private static final String NS = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final int LARGEST_KEPT_BODY = 1 << 20;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

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

    /** An open multipart upload: its checksum algorithm and the parts copied so far. */
    private record Upload(String bucket, String key, String algorithm, Map<Integer, byte[]> parts) {}

    private final ServerSocket server;
    private final ExecutorService threads;
    private final Map<String, NavigableMap<String, StoredObject>> buckets = new HashMap<>();
    private final Map<String, Map<String, String>> userMetadata = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private volatile long latencyMillis;
    private volatile boolean copiesWithChecksums;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytesServed = new AtomicLong();
    private final AtomicLong handlerNanos = new AtomicLong();
    private final AtomicLong cpuNanos = new AtomicLong();

    private StandInS3(long latencyMillis) throws IOException {
        this.latencyMillis = latencyMillis;
        server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stand-in-s3");
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::accept);
    }

    public static StandInS3 start(long latencyMillis) {
        try {
            return new StandInS3(latencyMillis);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the S3 stand-in", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
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

    /** Serve CopyObject and multipart copies with the checksums S3 computes (off: 501, as an S3 that refuses). */
    public StandInS3 copiesWithChecksums(boolean on) {
        copiesWithChecksums = on;
        return this;
    }

    /** Multipart uploads created and neither completed nor aborted. */
    public int openUploads() {
        return uploads.size();
    }

    /** The bytes of an object as stored (for checking copies). */
    public byte[] bytes(String bucket, String key) {
        StoredObject o = bucket(bucket).get(key);
        return o == null ? null : java.util.Arrays.copyOfRange(o.data(), o.offset(), o.offset() + (int) o.size());
    }

    /** CPU time the stand-in's threads spent on requests (parsing, answering, writing), the latency excluded. */
    public long cpuNanos() {
        return cpuNanos.get();
    }

    public long requests() {
        return requests.get();
    }

    /** Wall time spent answering requests, the injected latency excluded. */
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

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return; // shutting down
            }
        }
    }

    /** One keep-alive connection: requests one after another until the client closes it. */
    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            while (true) {
                // a blocked read and the injected sleep cost no CPU: the thread's CPU time is the stand-in's own cost
                long cpu = THREADS.getCurrentThreadCpuTime();
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                Exchange exchange = Exchange.read(requestLine, in, out);
                handle(exchange);
                cpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu);
                if (exchange.closeConnection) {
                    return;
                }
            }
        } catch (SocketException | EOFException e) {
            // the client went away
        } catch (IOException e) {
            // the client went away mid-request
        }
    }

    private void handle(Exchange exchange) throws IOException {
        requests.incrementAndGet();
        try {
            if (latencyMillis > 0) {
                Thread.sleep(latencyMillis);
            }
            long start = System.nanoTime();
            route(exchange);
            handlerNanos.addAndGet(System.nanoTime() - start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.closeConnection = true;
        } catch (RuntimeException e) {
            if (!exchange.responded) {
                error(exchange, 500, "InternalError", String.valueOf(e));
            } else {
                exchange.closeConnection = true;
            }
        }
        exchange.finish();
    }

    private void route(Exchange ex) throws IOException {
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
        boolean copy = ex.getRequestHeaders().containsKey("x-amz-copy-source");
        if (copiesWithChecksums && !key.isEmpty() && (query.containsKey("uploads") || query.containsKey("uploadId") || copy)) {
            copies(ex, method, bucketName, key, query);
        } else if (key.isEmpty() && method.equals("GET") && query.containsKey("versions")) {
            listVersions(ex, bucketName, bucket, query);
        } else if (method.equals("PUT") && !key.isEmpty() && !copy
                && !query.containsKey("uploadId")) {
            if ("*".equals(ex.getRequestHeaders().getFirst("If-None-Match")) && bucket.containsKey(key)) {
                body(ex);
                error(ex, 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
                return;
            }
            putObject(ex, bucket, key);
            userMetadata.put(bucketName + "/" + key, userMetadataOf(ex.getRequestHeaders()));
        } else if (method.equals("DELETE") && !key.isEmpty() && query.isEmpty()) {
            bucket.remove(key);
            userMetadata.remove(bucketName + "/" + key);
            ex.sendResponseHeaders(204, -1);
        } else if ((method.equals("GET") || method.equals("HEAD")) && !key.isEmpty()) {
            StoredObject o = bucket.get(key);
            if (o == null || (query.containsKey("versionId") && !query.get("versionId").equals(o.versionId()))) {
                error(ex, 404, "NoSuchKey", key);
            } else if (query.containsKey("attributes")) {
                attributes(ex, o);
            } else {
                userMetadata.getOrDefault(bucketName + "/" + key, Map.of()).forEach(ex.getResponseHeaders()::set);
                object(ex, o, method.equals("HEAD"));
            }
        } else {
            error(ex, 501, "NotImplemented", method + " " + path + " is not part of this stand-in");
        }
    }

    private void object(Exchange ex, StoredObject o, boolean headOnly) throws IOException {
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

    private void attributes(Exchange ex, StoredObject o) throws IOException {
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

    private void listVersions(Exchange ex, String name, NavigableMap<String, StoredObject> bucket, Map<String, String> q)
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

    /** The {@code x-amz-meta-*} headers of a PUT, as HEAD and GET give them back. */
    private static Map<String, String> userMetadataOf(Headers headers) {
        Map<String, String> meta = new HashMap<>();
        headers.forEach((name, values) -> {
            if (name.toLowerCase(java.util.Locale.ROOT).startsWith("x-amz-meta-") && !values.isEmpty()) {
                meta.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0));
            }
        });
        return meta;
    }

    private void putObject(Exchange ex, NavigableMap<String, StoredObject> bucket, String key) throws IOException {
        byte[] body = body(ex);
        // large bodies (a million-entry manifest) are counted, not kept: nothing reads them back, except checkpoints
        byte[] kept = body.length <= LARGEST_KEPT_BODY || key.startsWith(".quilt/tmp/") ? body : new byte[0];
        StoredObject o = new StoredObject(newVersion(), kept, 0, kept.length, null, null, null, null, Instant.now());
        bucket.put(key, o);
        objectHeaders(ex.getResponseHeaders(), o);
        ex.sendResponseHeaders(200, -1);
    }

    /** CopyObject and the multipart calls of a copy, with the checksums S3 computes while copying. */
    private void copies(Exchange ex, String method, String bucketName, String key, Map<String, String> q) throws IOException {
        String algorithm = ex.getRequestHeaders().getFirst("x-amz-checksum-algorithm");
        if (method.equals("POST") && q.containsKey("uploads")) {
            String id = UUID.randomUUID().toString();
            uploads.put(id, new Upload(bucketName, key, algorithm == null ? null : algorithm.toUpperCase(java.util.Locale.ROOT),
                    new ConcurrentHashMap<>()));
            xml(ex, 200, "<InitiateMultipartUploadResult xmlns=\"" + NS + "\"><Bucket>" + escape(bucketName) + "</Bucket><Key>"
                    + escape(key) + "</Key><UploadId>" + id + "</UploadId></InitiateMultipartUploadResult>");
            return;
        }
        Upload upload = q.containsKey("uploadId") ? uploads.get(q.get("uploadId")) : null;
        if (q.containsKey("uploadId") && upload == null) {
            body(ex);
            error(ex, 404, "NoSuchUpload", q.get("uploadId"));
        } else if (method.equals("DELETE")) {
            uploads.remove(q.get("uploadId"));
            ex.sendResponseHeaders(204, -1);
        } else if (method.equals("PUT") && upload != null) {
            byte[] bytes = copySource(ex);
            if (bytes == null) {
                return;
            }
            upload.parts().put(Integer.parseInt(q.get("partNumber")), bytes);
            xml(ex, 200, "<CopyPartResult xmlns=\"" + NS + "\"><ETag>\"" + md5Hex(bytes) + "\"</ETag>"
                    + checksumXml(upload.algorithm(), bytes) + "</CopyPartResult>");
        } else if (method.equals("POST") && upload != null) {
            body(ex);
            uploads.remove(q.get("uploadId"));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            List<Integer> numbers = new ArrayList<>(upload.parts().keySet());
            numbers.sort(null);
            for (int n : numbers) {
                all.writeBytes(upload.parts().get(n));
            }
            byte[] data = all.toByteArray();
            StoredObject o = new StoredObject(newVersion(), data, 0, data.length, null, null, null, crc64(data, 0, data.length),
                    Instant.now());
            bucket(bucketName).put(key, o);
            objectHeaders(ex.getResponseHeaders(), o);
            xml(ex, 200, "<CompleteMultipartUploadResult xmlns=\"" + NS + "\"><Bucket>" + escape(bucketName) + "</Bucket><Key>"
                    + escape(key) + "</Key><ETag>\"" + md5Hex(data) + "-" + numbers.size() + "\"</ETag></CompleteMultipartUploadResult>");
        } else if (method.equals("PUT")) {
            byte[] bytes = copySource(ex);
            if (bytes == null) {
                return;
            }
            String upper = algorithm == null ? null : algorithm.toUpperCase(java.util.Locale.ROOT);
            StoredObject o = new StoredObject(newVersion(), bytes, 0, bytes.length,
                    "SHA256".equals(upper) ? Base64.getEncoder().encodeToString(sha256(bytes, 0, bytes.length)) : null, null, null,
                    crc64(bytes, 0, bytes.length), Instant.now());
            bucket(bucketName).put(key, o);
            objectHeaders(ex.getResponseHeaders(), o);
            xml(ex, 200, "<CopyObjectResult xmlns=\"" + NS + "\"><ETag>\"" + md5Hex(bytes) + "\"</ETag>"
                    + checksumXml(upper == null ? "CRC64NVME" : upper, bytes) + "</CopyObjectResult>");
        } else {
            body(ex);
            error(ex, 501, "NotImplemented", method + " with " + q.keySet() + " is not part of this stand-in");
        }
    }

    /** The bytes {@code x-amz-copy-source} (and its range) names, or null after answering 404. */
    private byte[] copySource(Exchange ex) throws IOException {
        body(ex);
        String source = decode(ex.getRequestHeaders().getFirst("x-amz-copy-source").replaceFirst("^/", ""));
        String versionId = null;
        int question = source.indexOf("?versionId=");
        if (question >= 0) {
            versionId = source.substring(question + "?versionId=".length());
            source = source.substring(0, question);
        }
        int slash = source.indexOf('/');
        NavigableMap<String, StoredObject> bucket = bucket(source.substring(0, slash));
        StoredObject o = bucket == null ? null : bucket.get(source.substring(slash + 1));
        if (o == null || (versionId != null && !versionId.equals(o.versionId()))) {
            error(ex, 404, "NoSuchKey", source);
            return null;
        }
        long from = 0;
        long to = o.size() - 1;
        String range = ex.getRequestHeaders().getFirst("x-amz-copy-source-range");
        if (range != null) {
            String[] bounds = range.substring("bytes=".length()).split("-");
            from = Long.parseLong(bounds[0]);
            to = Long.parseLong(bounds[1]);
        }
        return java.util.Arrays.copyOfRange(o.data(), o.offset() + (int) from, o.offset() + (int) to + 1);
    }

    private static String checksumXml(String algorithm, byte[] bytes) {
        if ("SHA256".equals(algorithm)) {
            return "<ChecksumSHA256>" + Base64.getEncoder().encodeToString(sha256(bytes, 0, bytes.length)) + "</ChecksumSHA256>";
        }
        if ("CRC64NVME".equals(algorithm)) {
            return "<ChecksumCRC64NVME>" + crc64(bytes, 0, bytes.length) + "</ChecksumCRC64NVME>";
        }
        return "";
    }

    private static String crc64(byte[] data, int offset, int length) {
        Crc64Nvme crc = new Crc64Nvme(length);
        crc.update(data, offset, length);
        return crc.finish().value();
    }

    private static String md5Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request body, with aws-chunked framing (the SDK's trailing checksums) removed. */
    private static byte[] body(Exchange ex) throws IOException {
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

    private static void error(Exchange ex, int status, String code, String message) {
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

    private static void xml(Exchange ex, int status, String body) throws IOException {
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

    /** One HTTP/1.1 line (CRLF removed), or null at the end of the stream before any byte. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            b.append((char) c);
        }
        if (b.length() == 0) {
            return null;
        }
        throw new EOFException("the connection closed mid-line");
    }

    /**
     * One request and its response on a kept-alive connection, with the small part of
     * {@code com.sun.net.httpserver.HttpExchange} the routes use.
     */
    private static final class Exchange {
        private final String method;
        private final URI uri;
        private final Headers requestHeaders = new Headers();
        private final Headers responseHeaders = new Headers();
        private final InputStream in;
        private final OutputStream out;
        private long bodyLeft;
        boolean responded;
        boolean closeConnection;
        private boolean headOnly;

        private Exchange(String method, URI uri, InputStream in, OutputStream out) {
            this.method = method;
            this.uri = uri;
            this.in = in;
            this.out = out;
        }

        static Exchange read(String requestLine, InputStream in, OutputStream out) throws IOException {
            String[] parts = requestLine.split(" ");
            Exchange ex = new Exchange(parts[0], URI.create(parts[1]), in, out);
            String header;
            while ((header = line(in)) != null && !header.isEmpty()) {
                int colon = header.indexOf(':');
                ex.requestHeaders.add(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
            }
            String length = ex.requestHeaders.getFirst("Content-Length");
            ex.bodyLeft = length == null ? 0 : Long.parseLong(length);
            if (ex.requestHeaders.containsKey("Transfer-Encoding")) {
                throw new IOException("chunked request bodies are not part of this stand-in");
            }
            ex.closeConnection = "close".equalsIgnoreCase(ex.requestHeaders.getFirst("Connection"));
            ex.headOnly = ex.method.equals("HEAD");
            if ("100-continue".equalsIgnoreCase(ex.requestHeaders.getFirst("Expect"))) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            return ex;
        }

        String getRequestMethod() {
            return method;
        }

        URI getRequestURI() {
            return uri;
        }

        Headers getRequestHeaders() {
            return requestHeaders;
        }

        Headers getResponseHeaders() {
            return responseHeaders;
        }

        /** The request body (Content-Length bytes); what a route leaves unread is skipped at the end. */
        InputStream getRequestBody() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    if (bodyLeft <= 0) {
                        return -1;
                    }
                    int c = in.read();
                    bodyLeft--;
                    return c;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (bodyLeft <= 0) {
                        return -1;
                    }
                    int n = in.read(b, off, (int) Math.min(len, bodyLeft));
                    if (n > 0) {
                        bodyLeft -= n;
                    }
                    return n;
                }
            };
        }

        /** As HttpExchange: a length of -1 means no body (a HEAD keeps the Content-Length its route set). */
        void sendResponseHeaders(int status, long length) throws IOException {
            responded = true;
            StringBuilder h = new StringBuilder(256).append("HTTP/1.1 ").append(status).append(status < 300 ? " OK" : " Error").append("\r\n");
            if (!headOnly || !responseHeaders.containsKey("Content-Length")) {
                responseHeaders.set("Content-Length", String.valueOf(Math.max(length, 0)));
            }
            for (Map.Entry<String, List<String>> e : responseHeaders.entrySet()) {
                for (String v : e.getValue()) {
                    h.append(e.getKey()).append(": ").append(v).append("\r\n");
                }
            }
            out.write(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        }

        OutputStream getResponseBody() {
            return new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    out.flush();
                }
            };
        }

        /** Skips what the route left of the request body and sends the response. */
        void finish() throws IOException {
            while (bodyLeft > 0) {
                long skipped = in.skip(bodyLeft);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new EOFException("the request body ended early");
                    }
                    skipped = 1;
                }
                bodyLeft -= skipped;
            }
            out.flush();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        threads.shutdownNow();
    }
}

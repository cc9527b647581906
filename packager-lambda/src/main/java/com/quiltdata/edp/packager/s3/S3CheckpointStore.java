package com.quiltdata.edp.packager.s3;

import com.quiltdata.edp.packager.domain.Checkpoint;
import com.quiltdata.edp.packager.port.CheckpointStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Checkpoint parts as objects {@code .quilt/tmp/continuations/<run>/<part>.jsonl.gz} of the
 * package's registry bucket; the message id that wrote a part is also its user metadata, so the
 * idempotency check is one HEAD. A part is created with {@code If-None-Match: *}: of two deliveries
 * racing to write the same part, one wins.
 */
public final class S3CheckpointStore implements CheckpointStore {
    public static final String PREFIX = ".quilt/tmp/continuations/";
    private static final String WRITTEN_BY = "edp-written-by";

    private final S3Client s3;

    public S3CheckpointStore(S3Client s3) {
        this.s3 = s3;
    }

    static String key(UUID run, int part) {
        return PREFIX + run + "/" + part + ".jsonl.gz";
    }

    @Override
    public Optional<String> writtenBy(String registry, UUID run, int part) {
        String key = key(run, part);
        try {
            return Optional.of(s3.headObject(r -> r.bucket(registry).key(key)).metadata().getOrDefault(WRITTEN_BY, ""));
        } catch (S3Exception e) {
            if (S3Errors.notFound(e)) {
                return Optional.empty();
            }
            throw S3Errors.map(e, "head s3://" + registry + "/" + key);
        }
    }

    @Override
    public Optional<Checkpoint> read(String registry, UUID run, int part) {
        return get(registry, run, part, Checkpoint::readFrom);
    }

    @Override
    public Optional<Checkpoint.Header> readHeader(String registry, UUID run, int part) {
        return get(registry, run, part, in -> {
            Checkpoint.Header header = Checkpoint.readHeader(in);
            in.abort(); // the entries are not needed: do not download them
            return header;
        });
    }

    private interface Reading<T> {
        T read(ResponseInputStream<GetObjectResponse> in) throws IOException;
    }

    private <T> Optional<T> get(String registry, UUID run, int part, Reading<T> reading) {
        String key = key(run, part);
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(registry).key(key))) {
            return Optional.of(reading.read(in));
        } catch (S3Exception e) {
            if (S3Errors.notFound(e) && !"NoSuchBucket".equals(S3Errors.errorCode(e))) {
                return Optional.empty();
            }
            throw S3Errors.map(e, "read s3://" + registry + "/" + key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint s3://" + registry + "/" + key, e);
        }
    }

    @Override
    public boolean create(String registry, Checkpoint checkpoint) {
        String key = key(checkpoint.header().run(), checkpoint.header().part());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
        try {
            checkpoint.writeTo(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            s3.putObject(r -> r.bucket(registry).key(key).ifNoneMatch("*")
                    .metadata(Map.of(WRITTEN_BY, checkpoint.header().writtenBy())), RequestBody.fromBytes(bytes.toByteArray()));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                return false;
            }
            throw S3Errors.map(e, "write s3://" + registry + "/" + key);
        }
    }

    @Override
    public void delete(String registry, UUID run, int parts) {
        // one DeleteObject per part: parts are few, and DeleteObjects needs a Content-MD5 some S3 stand-ins refuse
        for (int part = 1; part <= parts; part++) {
            String key = key(run, part);
            try {
                s3.deleteObject(r -> r.bucket(registry).key(key));
            } catch (S3Exception e) {
                if (!S3Errors.notFound(e)) {
                    throw S3Errors.map(e, "delete s3://" + registry + "/" + key);
                }
            }
        }
    }
}

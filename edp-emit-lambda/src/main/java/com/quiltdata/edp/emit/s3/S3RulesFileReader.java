package com.quiltdata.edp.emit.s3;

import com.quiltdata.edp.emit.port.RulesFileReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The rules file as an S3 object, fetched with If-None-Match so an unchanged file costs a 304 and no bytes. */
public final class S3RulesFileReader implements RulesFileReader {
    /** A rules file is a few kilobytes; a larger object is a wrong URI, not a file to parse. */
    static final long MAX_BYTES = 1 << 20;

    private final S3Client s3;
    private final String bucket;
    private final String key;

    public S3RulesFileReader(S3Client s3, String bucket, String key) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
    }

    @Override
    public String source() {
        return "s3://" + bucket + "/" + key;
    }

    @Override
    public Fetched fetch(Optional<String> knownVersion) {
        try {
            ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(b -> {
                b.bucket(bucket).key(key);
                knownVersion.ifPresent(b::ifNoneMatch);
            });
            if (object.response().contentLength() != null && object.response().contentLength() > MAX_BYTES) {
                throw new IllegalStateException(source() + " is " + object.response().contentLength() + " bytes, more than a rules file's " + MAX_BYTES);
            }
            return new Fetched.Content(object.asString(StandardCharsets.UTF_8), object.response().eTag());
        } catch (NoSuchKeyException e) {
            return new Fetched.Missing();
        } catch (S3Exception e) {
            if (e.statusCode() == 304) {
                return new Fetched.Unchanged();
            }
            if (e.statusCode() == 404) {
                return new Fetched.Missing();
            }
            throw e;
        }
    }
}

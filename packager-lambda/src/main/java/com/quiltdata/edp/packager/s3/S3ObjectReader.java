package com.quiltdata.edp.packager.s3;

import com.quiltdata.edp.packager.RejectedException;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.port.ObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** GetObject for small text objects, refusing any larger than the caller's limit. */
public final class S3ObjectReader implements ObjectReader {
    private final S3Client s3;

    public S3ObjectReader(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public Optional<StoredText> read(PhysicalKey location, int maxBytes) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(location.bucket())
                .key(location.key()).versionId(location.versionId().orElse(null)))) {
            GetObjectResponse response = in.response();
            if (response.contentLength() != null && response.contentLength() > maxBytes) {
                throw new RejectedException(location.toUrl() + " is " + response.contentLength()
                        + " bytes, more than the " + maxBytes + " this packager reads");
            }
            byte[] bytes = readAtMost(in, maxBytes, location);
            String version = S3Errors.version(response.versionId());
            PhysicalKey effective = PhysicalKey.of(location.bucket(), location.key(),
                    version != null ? version : location.versionId().orElse(null));
            return Optional.of(new StoredText(new String(bytes, StandardCharsets.UTF_8), effective));
        } catch (S3Exception e) {
            if (S3Errors.notFound(e) && !"NoSuchBucket".equals(S3Errors.errorCode(e))) {
                return Optional.empty();
            }
            throw S3Errors.map(e, "read " + location.toUrl());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAtMost(InputStream in, int maxBytes, PhysicalKey location) throws IOException {
        byte[] bytes = in.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
            throw new RejectedException(location.toUrl() + " is larger than the " + maxBytes + " bytes this packager reads");
        }
        return bytes;
    }
}

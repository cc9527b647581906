package com.quiltdata.edp.cli;

import com.quiltdata.edp.aws.AwsClients;
import com.quiltdata.edp.config.AwsSettings;
import com.quiltdata.edp.domain.S3Url;
import com.quiltdata.edp.observe.Bounded;
import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Which AWS (or local emulator) to talk to: the default credentials and region, or {@code --endpoint-url}. */
public final class S3Options {
    @Option(names = "--endpoint-url", paramLabel = "URL", description = "a local AWS endpoint (S3Mock, LocalStack, moto), e.g. http://localhost:9090")
    URI endpoint;

    @Option(names = "--region", paramLabel = "REGION", description = "AWS region (default: AWS_REGION, or us-east-1)")
    String region;

    public String region() {
        return region != null ? region : CliEnvironment.current().read(AwsSettings::from, "pass --region").region();
    }

    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    public S3Client s3() {
        return AwsClients.configure(S3Client.builder().httpClient(AwsClients.httpClient()), region(), endpoint())
                .forcePathStyle(endpoint != null)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    public SqsClient sqs() {
        return AwsClients.configure(SqsClient.builder().httpClient(AwsClients.httpClient()), region(), endpoint()).build();
    }

    /**
     * Reads {@code s3://bucket/prefix} as package requests read {@code source_prefix} ({@link S3Url}):
     * the prefix ({@link S3Url#decodedPath}, which may be empty) percent-decoded. A query has no meaning
     * in a prefix and is refused rather than dropped.
     */
    public static S3Url bucketAndPrefix(String url, String command) {
        S3Url parsed;
        try {
            parsed = S3Url.split(url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("expected s3://bucket/prefix, got " + Bounded.quoted(url),
                    "for example: edp " + command + " s3://my-bucket/lab/run-7/");
        }
        if (!parsed.parameters().isEmpty()) {
            throw new UsageException("a prefix takes no ?query, got " + Bounded.quoted(url),
                    "s3:// URLs are percent-encoded as quilt3 reads them: write a ? in a key as %3F");
        }
        return parsed;
    }
}

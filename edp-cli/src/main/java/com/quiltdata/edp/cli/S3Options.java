package com.quiltdata.edp.cli;

import com.quiltdata.edp.aws.AwsClients;
import com.quiltdata.edp.config.AwsSettings;
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

    /** Splits {@code s3://bucket/prefix} into bucket and prefix (which may be empty). */
    public static String[] bucketAndPrefix(String url, String command) {
        if (url == null || !url.startsWith("s3://") || url.length() <= 5 || url.charAt(5) == '/') {
            throw new UsageException("expected s3://bucket/prefix, got " + Bounded.quoted(url),
                    "for example: edp " + command + " s3://my-bucket/lab/run-7/");
        }
        String rest = url.substring(5);
        int slash = rest.indexOf('/');
        return slash < 0 ? new String[] {rest, ""} : new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }
}

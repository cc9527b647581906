package com.quiltdata.edp.aws;

import com.quiltdata.edp.config.AwsSettings;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Client settings shared by every SDK client: the url-connection HTTP client (small, no Netty, no
 * CRT), the region, and optionally an endpoint override with dummy credentials for local emulators.
 */
public final class AwsClients {
    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.create();

    private AwsClients() {}

    public static SdkHttpClient httpClient() {
        return HTTP;
    }

    /** Configures a builder for AWS (endpoint empty) or for a local endpoint. */
    public static <B extends AwsClientBuilder<B, C>, C> B configure(B builder, String region, Optional<URI> endpoint) {
        builder.region(Region.of(region == null || region.isBlank() ? AwsSettings.DEFAULT_REGION : region));
        if (endpoint.isPresent()) {
            builder.endpointOverride(endpoint.get());
            builder.credentialsProvider(localCredentials());
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return builder;
    }

    public static AwsCredentialsProvider localCredentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }
}

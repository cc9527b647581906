package com.quiltdata.edp.config;

import com.quiltdata.edp.observe.Bounded;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which AWS the clients talk to: {@code AWS_REGION} (us-east-1 when unset, as the SDK's examples
 * assume), and for local emulators an endpoint override, {@code AWS_ENDPOINT_URL} for every service
 * or {@code AWS_ENDPOINT_URL_<SERVICE>} (the AWS SDKs' own names) for one. Read in one place for
 * every function and the command line.
 */
public record AwsSettings(String region, Optional<URI> endpoint, Map<String, URI> serviceEndpoints) {
    public static final String DEFAULT_REGION = "us-east-1";

    public AwsSettings {
        serviceEndpoints = Map.copyOf(serviceEndpoints);
    }

    /**
     * @param services the services whose own override is read, as the SDKs name them ({@code S3}, {@code SQS}, {@code SNS})
     */
    public static AwsSettings from(Env env, String... services) {
        String region = env.string("AWS_REGION", DEFAULT_REGION);
        Optional<URI> endpoint = url(env, "AWS_ENDPOINT_URL");
        Map<String, URI> perService = new LinkedHashMap<>();
        for (String service : services) {
            url(env, "AWS_ENDPOINT_URL_" + service).ifPresent(u -> perService.put(service, u));
        }
        return new AwsSettings(region, endpoint, perService);
    }

    /** The endpoint override for one service: its own, else the common one; empty means AWS. */
    public Optional<URI> endpointFor(String service) {
        return Optional.ofNullable(serviceEndpoints.get(service)).or(() -> endpoint);
    }

    private static Optional<URI> url(Env env, String name) {
        Optional<String> text = env.optional(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(text.get());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return Optional.of(uri);
        } catch (IllegalArgumentException e) {
            env.problem(name + " must be a URL such as http://localhost:4566, got " + Bounded.quoted(text.get()));
            return Optional.empty();
        }
    }
}

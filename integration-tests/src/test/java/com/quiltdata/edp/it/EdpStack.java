package com.quiltdata.edp.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * Deploys {@code template.yaml} on a {@link MotoServer} the way a user deploys it on AWS: SAM expanded
 * to plain CloudFormation offline (cfn-lint's bundled SAM translator, {@code expand_sam.py}), the
 * function code uploaded where the expanded CodeUri points, then {@code CreateStack} with the real
 * SDK client. moto cannot run Lambdas without Docker, so the deployment answers the template's custom
 * resources (the database migration) itself, as the function would with cfn-response.
 */
public final class EdpStack {
    public static final String CODE_BUCKET = "edp-code";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);
    private static Expanded expanded;

    private EdpStack() {}

    /** The SAM template expanded to plain CloudFormation, and the code objects its functions point at. */
    public record Expanded(ObjectNode template, List<CodeObject> code) {}

    /** One function package: {@code s3://bucket/key}, built from {@code localPath} of the repository. */
    public record CodeObject(String bucket, String key, String localPath) {}

    /** A created stack: its id, the parameters it was given, its outputs and the moto rewrites applied. */
    public record Deployment(String stackName, String stackId, Map<String, String> parameters,
                             Map<String, String> outputs, List<String> compatibilityChanges) {
        public String output(String key) {
            String value = outputs.get(key);
            if (value == null) {
                throw new IllegalStateException("stack " + stackName + " has no output " + key + "; outputs: " + outputs.keySet());
            }
            return value;
        }
    }

    /** Expands template.yaml once per test JVM (needs cfn-lint in the default python3). */
    public static synchronized Expanded expand() {
        if (expanded == null) {
            Path output = Repository.scratch("sam").resolve("template.expanded.json");
            Python.Result result = Python.script("expand_sam.py", 180, "template.yaml", output.toString(),
                    "--code-bucket", CODE_BUCKET, "--region", MotoServer.REGION.id());
            if (result.exitCode() != 0) {
                throw new IllegalStateException("expand_sam.py failed: " + result.describe());
            }
            try {
                ObjectNode template = (ObjectNode) MAPPER.readTree(output.toFile());
                List<CodeObject> code = new ArrayList<>();
                for (JsonNode entry : MAPPER.readTree(result.stdout().trim()).path("code")) {
                    code.add(new CodeObject(entry.path("bucket").asText(), entry.path("key").asText(), entry.path("localPath").asText()));
                }
                expanded = new Expanded(template, List.copyOf(code));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return expanded;
    }

    /**
     * Creates the stack {@code stackName} on moto with the given parameters on top of test defaults (a VPC
     * made by a network stack, a bucket name, a password, a bus named after the stack) and waits for
     * CREATE_COMPLETE.
     */
    public static Deployment deploy(MotoServer moto, String stackName, Map<String, String> parameters) {
        Expanded template = expand();
        ObjectNode body = template.template().deepCopy();
        List<String> changes = MotoCompatibility.apply(body);

        try (S3Client s3 = moto.s3(); CloudFormationClient cloudFormation = moto.client(CloudFormationClient.builder())) {
            uploadCode(s3, template.code());
            Map<String, String> network = createNetwork(cloudFormation, stackName + "-network");

            Map<String, String> values = new LinkedHashMap<>(network);
            values.put("BucketName", "edp-test-data");
            values.put("DBPassword", "not-a-real-password-42");
            values.put("EventBusName", stackName + "-bus");
            values.putAll(parameters);

            String stackId = cloudFormation.createStack(b -> b.stackName(stackName)
                    .templateBody(body.toString())
                    .parameters(values.entrySet().stream()
                            .map(e -> Parameter.builder().parameterKey(e.getKey()).parameterValue(e.getValue()).build())
                            .toList())
                    .capabilities(Capability.CAPABILITY_IAM)).stackId();

            for (String customResource : customResources(body)) {
                answerCustomResource(moto, stackId, customResource);
            }
            Stack stack = awaitCreated(cloudFormation, stackName);
            Map<String, String> outputs = new LinkedHashMap<>();
            for (Output output : stack.outputs()) {
                outputs.put(output.outputKey(), output.outputValue());
            }
            return new Deployment(stackName, stackId, Map.copyOf(values), outputs, List.copyOf(changes));
        }
    }

    /** Logical ids of the template's custom resources (Custom::* and AWS::CloudFormation::CustomResource). */
    public static List<String> customResources(JsonNode template) {
        List<String> ids = new ArrayList<>();
        template.path("Resources").fields().forEachRemaining(e -> {
            String type = e.getValue().path("Type").asText();
            if (type.startsWith("Custom::") || type.equals("AWS::CloudFormation::CustomResource")) {
                ids.add(e.getKey());
            }
        });
        return ids;
    }

    private static void uploadCode(S3Client s3, List<CodeObject> code) {
        byte[] stub = stubPackage();
        for (CodeObject object : code) {
            try {
                s3.createBucket(b -> b.bucket(object.bucket()));
            } catch (BucketAlreadyOwnedByYouException alreadyThere) {
                // created by an earlier deployment on the same server
            }
            s3.putObject(b -> b.bucket(object.bucket()).key(object.key()), RequestBody.fromBytes(stub));
        }
    }

    /** A small valid zip standing in for a function jar: moto stores code, it never runs it. */
    private static byte[] stubPackage() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("README.txt"));
            zip.write("stand-in for an EDP function jar in moto tests\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Map<String, String> createNetwork(CloudFormationClient cloudFormation, String stackName) {
        String body;
        try (InputStream in = EdpStack.class.getResourceAsStream("/moto/network.json")) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cloudFormation.createStack(b -> b.stackName(stackName).templateBody(body));
        Stack stack = awaitCreated(cloudFormation, stackName);
        Map<String, String> outputs = new LinkedHashMap<>();
        stack.outputs().forEach(o -> outputs.put(o.outputKey(), o.outputValue()));
        return outputs;
    }

    /** What the migration function sends to the ResponseURL when it has applied the migrations. */
    private static void answerCustomResource(MotoServer moto, String stackId, String logicalId) {
        ObjectNode response = MAPPER.createObjectNode()
                .put("Status", "SUCCESS")
                .put("Reason", "answered by the integration test (moto cannot invoke Lambdas without Docker)")
                .put("PhysicalResourceId", logicalId)
                .put("StackId", stackId)
                .put("RequestId", "edp-integration-test")
                .put("LogicalResourceId", logicalId);
        response.putObject("Data");
        String path = "/cloudformation_" + MotoServer.REGION.id() + "/cfnresponse?stack=" + URLEncoder.encode(stackId, StandardCharsets.UTF_8);
        int status = moto.putJson(path, response.toString().getBytes(StandardCharsets.UTF_8));
        if (status != 200) {
            throw new IllegalStateException("moto refused the custom resource response for " + logicalId + ": HTTP " + status);
        }
    }

    private static Stack awaitCreated(CloudFormationClient cloudFormation, String stackName) {
        Instant deadline = Instant.now().plus(CREATE_TIMEOUT);
        Stack stack = describe(cloudFormation, stackName);
        while (stack.stackStatus() == StackStatus.CREATE_IN_PROGRESS && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + stackName, e);
            }
            stack = describe(cloudFormation, stackName);
        }
        if (stack.stackStatus() != StackStatus.CREATE_COMPLETE) {
            List<String> events = new ArrayList<>();
            cloudFormation.describeStackEvents(b -> b.stackName(stackName)).stackEvents().forEach(e ->
                    events.add(e.logicalResourceId() + " " + e.resourceStatusAsString() + " " + e.resourceStatusReason()));
            throw new IllegalStateException("stack " + stackName + " is " + stack.stackStatusAsString() + "; events: " + events);
        }
        return stack;
    }

    private static Stack describe(CloudFormationClient cloudFormation, String stackName) {
        return cloudFormation.describeStacks(b -> b.stackName(stackName)).stacks().get(0);
    }
}

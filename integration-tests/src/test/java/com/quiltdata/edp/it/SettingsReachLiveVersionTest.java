package com.quiltdata.edp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A parameter change reaches the code the {@code live} alias runs. The template is expanded the way
 * the SAM transform expands it for a deployment, once with base values and once per changed
 * parameter; each expansion is then resolved as CloudFormation would resolve it ({@link DeploymentModel}).
 * Whenever a function's resolved environment (or layers) differs, the version {@code live} points at
 * must be a new one; and a replaced database must be migrated again.
 */
class SettingsReachLiveVersionTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> FUNCTIONS = List.of("StoreFunction", "EmitFunction", "PackagerFunction");
    private static final Map<String, String> BASE = Map.of(
            "VPC", "vpc-0123456789abcdef0", "Subnets", "subnet-0aaa,subnet-0bbb", "SecurityGroup", "sg-0123456789abcdef0",
            "BucketName", "edp-data");
    /** Each parameter a function reads, with a value other than its default (or BASE's). */
    private static final Map<String, String> CHANGES = changes();
    private static Map<String, DeploymentModel> deployments;

    private static Map<String, String> changes() {
        Map<String, String> changes = new LinkedHashMap<>();
        changes.put("BucketThresholdEventCount", "21");
        changes.put("BucketThresholdDuration", "301");
        changes.put("BucketThresholdMaxAge", "3600");
        changes.put("BucketIgnorePrefixes", "raw/**,*.tmp");
        changes.put("BucketPrefixDepth", "3");
        changes.put("BucketReadySentinels", "_DONE");
        changes.put("BucketReadyFilter", "length > 0");
        changes.put("EmitTickSeconds", "15");
        changes.put("PackageReadyDelay", "30");
        changes.put("QuiltCatalogUrl", "https://quilt.example.com");
        changes.put("PackageRegistry", "edp-processed");
        changes.put("AutomaticPackageMessage", "Nightly import");
        changes.put("AutomaticPackageMetadata", "{\"Author\": \"EDP\"}");
        changes.put("AutomaticPackageWorkflow", "alpha");
        changes.put("AutomaticPackageReadme", "s3://edp-config/edp/README.md");
        changes.put("AutomaticPackageQuiltIgnore", "s3://edp-config/edp/quiltignore");
        changes.put("EventBusName", "quilt-edp-2");
        changes.put("DBUser", "edp_admin");
        changes.put("FileGatewayShareArn", "arn:aws:storagegateway:us-east-1:123456789012:share/share-ABC12345");
        changes.put("BucketName", "edp-data-2");
        changes.put("BucketRulesUri", "s3://edp-config/edp/rules.json");
        changes.put("DBSslMode", "verify-full");
        changes.put("DBCaBundleLayerArn", "arn:aws:lambda:us-east-1:123456789012:layer:rds-ca:1");
        return changes;
    }

    @BeforeAll
    static void expandOncePerValue() throws IOException {
        assumeTrue(Python.withModule("cfnlint"),
                "cfn-lint (its SAM translator expands the template) is not installed in " + Python.INTERPRETER
                        + "; skipping (pip install cfn-lint to run this test)");
        Path dir = Repository.scratch("sam-variants");
        ArrayNode variants = MAPPER.createArrayNode();
        Map<String, Map<String, String>> values = new LinkedHashMap<>();
        values.put("base", BASE);
        CHANGES.forEach((name, value) -> {
            Map<String, String> changed = new LinkedHashMap<>(BASE);
            changed.put(name, value);
            values.put(name, changed);
        });
        values.forEach((name, parameters) -> {
            ObjectNode variant = variants.addObject().put("name", name);
            parameters.forEach(variant.putObject("parameters")::put);
        });
        Path variantsFile = dir.resolve("variants.json");
        Files.writeString(variantsFile, variants.toString());

        Python.Result result = Python.script("expand_sam.py", 600, "template.yaml", dir.toString(), "--variants", variantsFile.toString());
        assertEquals(0, result.exitCode(), result.describe());
        Map<String, List<String>> createOnly = new LinkedHashMap<>();
        MAPPER.readTree(result.stdout().trim()).path("createOnly").fields().forEachRemaining(e -> {
            List<String> properties = new ArrayList<>();
            e.getValue().forEach(p -> properties.add(p.asText()));
            createOnly.put(e.getKey(), properties);
        });
        deployments = new LinkedHashMap<>();
        values.forEach((name, parameters) -> {
            try {
                deployments.put(name, new DeploymentModel(MAPPER.readTree(dir.resolve(name + ".json").toFile()), parameters, createOnly));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void everyParameterAFunctionReadsPublishesANewVersionForLive() {
        List<String> problems = new ArrayList<>();
        DeploymentModel before = deployments.get("base");
        for (String parameter : CHANGES.keySet()) {
            DeploymentModel after = deployments.get(parameter);
            List<String> reached = new ArrayList<>();
            for (String function : FUNCTIONS) {
                // Given what $LATEST runs before and after the change
                if (runtimeSettings(before, function).equals(runtimeSettings(after, function))) {
                    continue;
                }
                reached.add(function);
                // Then live points at another published version after the change: the version is new
                String liveBefore = before.identity(liveVersion(before, function));
                String liveAfter = after.identity(liveVersion(after, function));
                if (liveBefore.equals(liveAfter)) {
                    problems.add(parameter + ": " + function + "'s environment changed, but live stays on " + liveAfter);
                }
            }
            if (reached.isEmpty()) {
                problems.add(parameter + " reaches no function: the test's list or the template is wrong");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void aParameterThatAFunctionDoesNotReadLeavesItsVersionAlone() {
        // A needless new version is harmless, but a stable one shows the digest covers exactly the environment
        DeploymentModel before = deployments.get("base");
        DeploymentModel after = deployments.get("PackageReadyDelay");
        for (String function : List.of("StoreFunction", "EmitFunction")) {
            assertEquals(before.identity(liveVersion(before, function)), after.identity(liveVersion(after, function)), function);
        }
    }

    @Test
    void aReplacedDatabaseIsMigratedAgain() {
        DeploymentModel before = deployments.get("base");
        DeploymentModel after = deployments.get("DBUser");

        // When DBUser changes, CloudFormation replaces the database (MasterUsername forces replacement)
        assertNotEquals(before.identity("Database"), after.identity("Database"), "a new DBUser is a new database");

        // Then the migration custom resource's properties change, so CloudFormation sends it an Update and the migrations run
        assertNotEquals(before.properties("DatabaseMigration"), after.properties("DatabaseMigration"));
        // and every function, migrate included, is given the new endpoint
        for (String function : List.of("MigrateFunction", "StoreFunction", "EmitFunction", "PackagerFunction")) {
            assertEquals(after.identity("Database") + ".Endpoint.Address",
                    after.properties(function).path("Environment").path("Variables").path("DB_HOST").asText(), function);
        }
        // while a change that keeps the database does not re-run them
        DeploymentModel threshold = deployments.get("BucketThresholdEventCount");
        assertEquals(before.properties("DatabaseMigration"), threshold.properties("DatabaseMigration"));
    }

    /** The environment and layers the function's $LATEST runs with. */
    private static JsonNode runtimeSettings(DeploymentModel deployment, String function) {
        JsonNode properties = deployment.properties(function);
        ObjectNode settings = MAPPER.createObjectNode();
        settings.set("Environment", properties.path("Environment"));
        settings.set("Layers", properties.has("Layers") ? properties.get("Layers") : MAPPER.createArrayNode());
        return settings;
    }

    /** The logical id of the version the function's live alias points at. */
    private static String liveVersion(DeploymentModel deployment, String function) {
        JsonNode alias = deployment.resource(function + "Aliaslive");
        JsonNode version = alias.path("Properties").path("FunctionVersion").path("Fn::GetAtt");
        assertEquals("Version", version.path(1).asText(), function + "'s live alias points at a version's number");
        return version.path(0).asText();
    }
}

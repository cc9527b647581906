package com.quiltdata.edp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.cli.StatusCommand;
import com.quiltdata.edp.it.pipeline.EventRouter;
import com.quiltdata.edp.packager.s3.S3CheckpointStore;
import com.quiltdata.edp.packager.s3.S3ContentHasher;
import com.quiltdata.edp.packager.s3.S3PackageRegistry;
import com.quiltdata.edp.testing.SampleEvents;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What cfn-lint does not check in template.yaml: references, IAM scope, the database, queues and rules. */
class TemplateChecksTest {
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{(?!!)([^}]+)}");
    private static final Set<String> PSEUDO = Set.of("AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
            "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");
    /** EC2 network-interface actions Lambda needs for VPC access; the API allows no narrower resource. */
    private static final Set<String> STAR_RESOURCE_ACTIONS = Set.of("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
            "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses");

    private final CloudFormationTemplate template = CloudFormationTemplate.edp();

    @Test
    void everyRefGetAttSubConditionAndDependsOnPointsAtSomethingThatExists() {
        Set<String> parameters = names(template.parameters());
        Set<String> resources = template.resources().keySet();
        Set<String> conditions = names(template.conditions());
        Set<String> samReferences = new HashSet<>();
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, fn) -> {
            if (fn.path("Properties").has("AutoPublishAlias")) {
                samReferences.add(id + ".Version");
                samReferences.add(id + ".Alias");
            }
        });
        List<String> problems = new ArrayList<>();
        walk(template.root(), "", (path, node) -> {
            if (node.has("Ref")) {
                String ref = node.get("Ref").asText();
                if (!parameters.contains(ref) && !resources.contains(ref) && !PSEUDO.contains(ref) && !samReferences.contains(ref)) {
                    problems.add(path + ": Ref " + ref + " is no parameter, resource or pseudo parameter");
                }
            }
            if (node.has("Fn::GetAtt")) {
                String resource = node.get("Fn::GetAtt").path(0).asText();
                if (!resources.contains(resource)) {
                    problems.add(path + ": GetAtt of unknown resource " + resource);
                }
            }
            if (node.has("Fn::Sub")) {
                JsonNode sub = node.get("Fn::Sub");
                String text = sub.isArray() ? sub.path(0).asText() : sub.asText();
                Set<String> local = sub.isArray() ? names(sub.path(1)) : Set.of();
                Matcher m = SUB_VARIABLE.matcher(text);
                while (m.find()) {
                    String variable = m.group(1);
                    String head = variable.contains(".") && !variable.startsWith("AWS::") ? variable.substring(0, variable.indexOf('.')) : variable;
                    boolean known = local.contains(variable) || parameters.contains(variable) || PSEUDO.contains(variable)
                            || resources.contains(head) || samReferences.contains(variable);
                    if (!known) {
                        problems.add(path + ": ${" + variable + "} in Sub resolves to nothing");
                    }
                }
            }
            if (node.has("Condition") && node.get("Condition").isTextual() && !conditions.contains(node.get("Condition").asText())) {
                problems.add(path + ": unknown condition " + node.get("Condition").asText());
            }
            if (node.has("Fn::If") && !conditions.contains(node.get("Fn::If").path(0).asText())) {
                problems.add(path + ": Fn::If on unknown condition " + node.get("Fn::If").path(0).asText());
            }
        });
        template.resources().forEach((id, resource) -> {
            JsonNode dependsOn = resource.path("DependsOn");
            List<String> targets = new ArrayList<>();
            if (dependsOn.isTextual()) {
                targets.add(dependsOn.asText());
            }
            dependsOn.forEach(d -> targets.add(d.asText()));
            targets.stream().filter(t -> !resources.contains(t)).forEach(t -> problems.add(id + ": DependsOn unknown " + t));
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyResourceTypeAndPropertyIsInTheCloudFormationSchema() throws Exception {
        // Given the resource provider schemas cfn-lint ships, and the template expanded from SAM
        assumeTrue(Python.withModule("cfnlint"),
                "cfn-lint (which ships the CloudFormation resource schemas) is not installed in " + Python.INTERPRETER
                        + "; skipping (pip install cfn-lint to run this test)");
        EdpStack.expand();
        String expanded = Repository.scratch("sam").resolve("template.expanded.json").toString();

        // When every resource is looked up
        Python.Result result = Python.script("check_resource_schema.py", 180, expanded);
        assertEquals(0, result.exitCode(), result.describe());
        JsonNode report = new ObjectMapper().readTree(result.stdout().trim());

        // Then each type exists and has each property the template sets
        assertTrue(report.path("checked").asInt() >= template.resources().size(), "checked only " + report);
        assertEquals("[]", report.path("problems").toString(), report.path("problems").toPrettyString());
    }

    @Test
    void iamNamesItsResourcesOneStatementPerPurpose() {
        String raw = Repository.read("template.yaml");
        List<String> problems = new ArrayList<>();
        template.resources().forEach((id, resource) -> {
            List<JsonNode> documents = new ArrayList<>();
            resource.path("Properties").path("Policies").forEach(p -> documents.add(p.path("PolicyDocument")));
            if (resource.path("Type").asText().equals("AWS::IAM::Policy")) {
                documents.add(resource.path("Properties").path("PolicyDocument"));
            }
            for (JsonNode document : documents) {
                Set<String> sids = new HashSet<>();
                for (JsonNode statement : document.path("Statement")) {
                    String sid = statement.path("Sid").asText("");
                    if (sid.isEmpty() || !sids.add(sid)) {
                        problems.add(id + ": every statement needs its own Sid: " + statement);
                    }
                    List<String> actions = texts(statement.path("Action"));
                    actions.stream().filter(a -> a.contains("*")).forEach(a -> problems.add(id + "/" + sid + ": wildcard action " + a));
                    if (!statement.path("NotAction").isMissingNode() || !statement.path("NotResource").isMissingNode()) {
                        problems.add(id + "/" + sid + ": NotAction/NotResource grant more than they name");
                    }
                    if (texts(statement.path("Resource")).contains("*") && !STAR_RESOURCE_ACTIONS.containsAll(actions)) {
                        problems.add(id + "/" + sid + ": Resource \"*\" for " + actions + " (only the VPC network-interface actions need it)");
                    }
                }
            }
        });
        for (String line : raw.split("\n")) {
            if (line.matches("\\s*Resource: \"\\*\".*") && !line.contains("#")) {
                problems.add("template.yaml: Resource \"*\" without a comment saying why: " + line.trim());
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void databaseIsPrivateEncryptedTlsOnlyAndKeptOnDeletion() {
        JsonNode database = template.resource("Database");
        JsonNode props = database.path("Properties");
        assertEquals("Snapshot", database.path("DeletionPolicy").asText());
        assertEquals("Snapshot", database.path("UpdateReplacePolicy").asText());
        assertTrue(props.path("StorageEncrypted").asBoolean(), "StorageEncrypted");
        assertEquals(false, props.path("PubliclyAccessible").asBoolean(true), "PubliclyAccessible");
        assertEquals("DatabaseParameterGroup", props.path("DBParameterGroupName").path("Ref").asText(), "the TLS parameter group");
        assertEquals("1", template.resource("DatabaseParameterGroup").path("Properties").path("Parameters").path("rds.force_ssl").asText());
        assertTrue(template.parameters().path("DBPassword").path("NoEcho").asBoolean(), "DBPassword must be NoEcho");
    }

    @Test
    void rdsOwnsAndRotatesThePasswordAndTheFunctionsReadItsSecret() {
        // Given a database whose master password RDS keeps in its own secret
        JsonNode props = template.resource("Database").path("Properties");
        assertTrue(props.path("ManageMasterUserPassword").asBoolean(), "ManageMasterUserPassword");
        assertTrue(props.path("MasterUserPassword").isMissingNode(), "a password CloudFormation sets is not re-read after a change or rotation");

        // Then no password passes through the template: no JSON is built from one, whatever characters it holds
        String everything = template.root().path("Resources").toString() + template.root().path("Globals").toString()
                + template.root().path("Outputs").toString();
        assertEquals(0, count(everything, "${DBPassword}") + count(everything, "\"Ref\":\"DBPassword\""), "DBPassword reaches nothing");
        assertTrue(template.resourcesOfType("AWS::SecretsManager::Secret").isEmpty(), "no secret of our own to drift from the database");

        // and the functions read, and may read, exactly the RDS-managed secret
        String managedSecret = "{\"Fn::GetAtt\":[\"Database\",\"MasterUserSecret.SecretArn\"]}";
        assertEquals(managedSecret, template.globals().path("Function").path("Environment").path("Variables").path("DB_SECRET_ARN").toString());
        assertEquals(managedSecret, template.outputs().path("DatabaseSecretArn").path("Value").toString());
        int readers = 0;
        for (Map.Entry<String, JsonNode> role : template.resourcesOfType("AWS::IAM::Role").entrySet()) {
            for (JsonNode policy : role.getValue().path("Properties").path("Policies")) {
                for (JsonNode statement : policy.path("PolicyDocument").path("Statement")) {
                    if (texts(statement.path("Action")).contains("secretsmanager:GetSecretValue")) {
                        readers++;
                        assertEquals(managedSecret, statement.path("Resource").toString(), role.getKey());
                    }
                }
            }
        }
        assertEquals(4, readers, "store, emit, packager and migrate read the secret");
    }

    @Test
    void databaseIsReachableOnlyFromTheFunctions() {
        // the database admits only the functions' security group
        JsonNode ingress = template.resource("DatabaseSecurityGroup").path("Properties").path("SecurityGroupIngress");
        assertEquals(1, ingress.size());
        assertEquals("SecurityGroup", ingress.path(0).path("SourceSecurityGroupId").path("Ref").asText());
    }

    @Test
    void sqsEventSourcesBatchReportPartialFailuresAndOutliveSixTimeouts() {
        List<String> problems = new ArrayList<>();
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, fn) -> {
            int timeout = fn.path("Properties").path("Timeout").asInt(3);
            fn.path("Properties").path("Events").fields().forEachRemaining(event -> {
                if (!event.getValue().path("Type").asText().equals("SQS")) {
                    return;
                }
                JsonNode props = event.getValue().path("Properties");
                String queue = props.path("Queue").path("Fn::GetAtt").path(0).asText();
                JsonNode queueProps = template.resource(queue).path("Properties");
                int window = props.path("MaximumBatchingWindowInSeconds").asInt(0);
                int visibility = queueProps.path("VisibilityTimeout").asInt(30);
                if (visibility < 6 * timeout + window) {
                    problems.add(queue + ": VisibilityTimeout " + visibility + " < 6 x " + id + " timeout " + timeout + " + window " + window);
                }
                if (!texts(props.path("FunctionResponseTypes")).contains("ReportBatchItemFailures")) {
                    problems.add(id + "/" + event.getKey() + ": no ReportBatchItemFailures");
                }
                if (!props.has("BatchSize")) {
                    problems.add(id + "/" + event.getKey() + ": no BatchSize");
                }
                if (queueProps.path("RedrivePolicy").path("deadLetterTargetArn").isMissingNode()) {
                    problems.add(queue + ": no dead-letter queue");
                }
            });
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void rulesMatchExactlyTheEventsTheyAreFor() {
        Map<String, CloudFormationTemplate.EventRule> rules = new LinkedHashMap<>();
        template.rules().forEach(r -> rules.put(r.logicalId(), r));

        Map<String, String> parameters = Map.of("BucketName", "my-bucket");
        JsonNode s3 = template.evaluate(rules.get("BucketEventsRule").eventPattern(), parameters);
        assertEquals("[\"aws.s3\"]", s3.path("source").toString());
        assertEquals("[\"Object Created\",\"Object Deleted\"]", s3.path("detail-type").toString());
        assertEquals("[\"my-bucket\"]", s3.path("detail").path("bucket").path("name").toString());
        assertTrue(rules.get("BucketEventsRule").onDefaultBus(), "S3 events arrive on the default bus only");

        // the whole bucket by default; watched prefixes fill five slots, the first repeated after the last
        JsonNode everything = template.evaluate(rules.get("BucketEventsRule").eventPattern(), parameters);
        assertTrue(everything.path("detail").path("object").isMissingNode(), everything.toString());
        JsonNode watched = template.evaluate(rules.get("BucketEventsRule").eventPattern(),
                Map.of("BucketName", "my-bucket", "BucketWatchPrefixes", "lab/,instruments/seq-1/"));
        assertEquals("[{\"prefix\":\"lab/\"},{\"prefix\":\"instruments/seq-1/\"},{\"prefix\":\"lab/\"},{\"prefix\":\"lab/\"},{\"prefix\":\"lab/\"}]",
                watched.path("detail").path("object").path("key").toString());
        JsonNode five = template.evaluate(rules.get("BucketEventsRule").eventPattern(),
                Map.of("BucketName", "my-bucket", "BucketWatchPrefixes", "a/,b/,c/,d/,e/"));
        assertEquals("[{\"prefix\":\"a/\"},{\"prefix\":\"b/\"},{\"prefix\":\"c/\"},{\"prefix\":\"d/\"},{\"prefix\":\"e/\"}]",
                five.path("detail").path("object").path("key").toString());
        String allowed = template.parameters().path("BucketWatchPrefixes").path("AllowedPattern").asText();
        assertTrue("a/,b/,c/,d/,e/".matches(allowed) && "".matches(allowed));
        assertFalse("a/,b/,c/,d/,e/,f/".matches(allowed), "a sixth prefix would have no slot");
        assertFalse("/lab/".matches(allowed) || "lab/,".matches(allowed) || "my lab/".matches(allowed));

        CloudFormationTemplate.EventRule ready = rules.get("PackageObjectsReadyRule");
        assertEquals("[\"com.quiltdata.edp\"]", ready.eventPattern().path("source").toString());
        assertEquals("[\"package-objects-ready\"]", ready.eventPattern().path("detail-type").toString());
        assertEquals("PackagerQueue", ready.targets().get(0).arn().path("Fn::GetAtt").path(0).asText());

        for (CloudFormationTemplate.EventRule rule : rules.values()) {
            if (!rule.onDefaultBus()) {
                // moto cannot create a rule whose EventBusName is !Ref Bus; !GetAtt Bus.Name works everywhere
                assertEquals("[\"Bus\",\"Name\"]", rule.eventBusName().path("Fn::GetAtt").toString(), rule.logicalId());
                assertEquals("[\"com.quiltdata.edp\"]", rule.eventPattern().path("source").toString(), rule.logicalId() + " takes only EDP events");
            }
        }
    }

    @Test
    void omicsAndRoCrateRulesMatchTheirSampleEventsOnlyWhenSwitchedOn() {
        Map<String, String> on = Map.of("BucketName", "edp-demo-bucket", "PackageOmicsRuns", "true",
                "OmicsOutputBucket", "edp-omics-output", "PackageRoCrates", "true");
        EventRouter router = new EventRouter(template, on, Map.of());
        JsonNode omics = json(SampleEvents.load("omics-run-status-completed"));
        JsonNode crate = json(SampleEvents.load("s3-object-created-ro-crate-manifest"));
        JsonNode plainObject = json(SampleEvents.load("s3-object-created-put"));
        assertEquals(List.of("OmicsRunsRule"), router.matchingRules(EventRouter.DEFAULT_BUS, omics));
        assertEquals(List.of("BucketEventsRule", "RoCratesRule"), router.matchingRules(EventRouter.DEFAULT_BUS, crate));
        assertEquals(List.of("BucketEventsRule"), router.matchingRules(EventRouter.DEFAULT_BUS, plainObject));
        ((ObjectNode) omics.path("detail")).put("status", "RUNNING");
        assertEquals(List.of(), router.matchingRules(EventRouter.DEFAULT_BUS, omics), "only COMPLETED runs are packaged");
        ObjectNode metadataCrate = crate.deepCopy();
        ((ObjectNode) metadataCrate.path("detail").path("object")).put("key", "nf/run-12/ro-crate-metadata.json");
        assertEquals(List.of("BucketEventsRule", "RoCratesRule"), router.matchingRules(EventRouter.DEFAULT_BUS, metadataCrate));

        // off by default: neither rule exists
        EventRouter defaults = new EventRouter(template, Map.of("BucketName", "edp-demo-bucket"), Map.of());
        assertEquals(List.of("BucketEventsRule"), defaults.matchingRules(EventRouter.DEFAULT_BUS, crate));
        assertEquals(List.of(), defaults.matchingRules(EventRouter.DEFAULT_BUS, json(SampleEvents.load("omics-run-status-completed"))));
        for (String rule : List.of("OmicsRunsRule", "RoCratesRule")) {
            assertEquals("PackagerQueue", template.rule(rule).targets().get(0).arn().path("Fn::GetAtt").path(0).asText(), rule);
        }
    }

    @Test
    void registryRevisionsRuleSendsEveryRegistrysPointerEventsToThePackagerQueue() {
        // ADR 0111: revisions anyone writes to the monitored bucket's registry (and PackageRegistry's) are announced
        JsonNode pointer = json(SampleEvents.load("s3-object-created-registry-pointer"));
        EventRouter monitored = new EventRouter(template, Map.of("BucketName", "edp-demo-bucket"), Map.of());
        assertEquals(List.of("BucketEventsRule", "RegistryRevisionsRule"), monitored.matchingRules(EventRouter.DEFAULT_BUS, pointer),
                "the store gets it too, and ignores .quilt/ keys");
        ObjectNode manifest = pointer.deepCopy();
        ((ObjectNode) manifest.path("detail").path("object")).put("key", ".quilt/packages/" + "a".repeat(64));
        assertEquals(List.of("BucketEventsRule"), monitored.matchingRules(EventRouter.DEFAULT_BUS, manifest), "manifests are not revisions");
        ObjectNode deleted = ((ObjectNode) pointer.deepCopy()).put("detail-type", "Object Deleted");
        assertEquals(List.of("BucketEventsRule"), monitored.matchingRules(EventRouter.DEFAULT_BUS, deleted), "a deleted revision announces nothing");
        ObjectNode lookAlike = pointer.deepCopy();
        ((ObjectNode) lookAlike.path("detail").path("object")).put("key", "lab/.quilt/named_packages/a/b/1700000000");
        assertEquals(List.of("BucketEventsRule"), monitored.matchingRules(EventRouter.DEFAULT_BUS, lookAlike), "the registry is at the bucket root");

        ObjectNode inRegistry = pointer.deepCopy();
        ((ObjectNode) inRegistry.path("detail").path("bucket")).put("name", "edp-processed");
        assertEquals(List.of(), monitored.matchingRules(EventRouter.DEFAULT_BUS, inRegistry), "no PackageRegistry: only the monitored bucket");
        EventRouter withRegistry = new EventRouter(template, Map.of("BucketName", "edp-demo-bucket", "PackageRegistry", "edp-processed"), Map.of());
        assertEquals(List.of("RegistryRevisionsRule"), withRegistry.matchingRules(EventRouter.DEFAULT_BUS, inRegistry));
        assertEquals(List.of("BucketEventsRule", "RegistryRevisionsRule"), withRegistry.matchingRules(EventRouter.DEFAULT_BUS, pointer));

        // to the packager queue, which admits the rule by its name (its DLQ too), with the reads the packager needs
        CloudFormationTemplate.EventRule rule = template.rule("RegistryRevisionsRule");
        assertTrue(rule.onDefaultBus(), "S3 sends its events to the default bus");
        assertEquals("PackagerQueue", rule.targets().get(0).arn().path("Fn::GetAtt").path(0).asText());
        assertEquals("PackagerDeadLetterQueue", rule.targets().get(0).raw().path("DeadLetterConfig").path("Arn").path("Fn::GetAtt").path(0).asText());
        String name = template.resource("RegistryRevisionsRule").path("Properties").path("Name").path("Fn::Sub").asText();
        assertEquals("${AWS::StackName}-registry-revisions", name);
        List<String> admitted = new ArrayList<>();
        for (JsonNode statement : template.resource("PackagerQueuePolicy").path("Properties").path("PolicyDocument").path("Statement")) {
            if ("ReadyEventsFromRule".equals(statement.path("Sid").asText())) {
                statement.path("Condition").path("ArnEquals").path("aws:SourceArn").forEach(a -> admitted.add(a.path("Fn::Sub").asText()));
                assertEquals(2, statement.path("Resource").size(), "the queue and its DLQ");
            }
        }
        assertTrue(admitted.contains("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/" + name), admitted.toString());
        Map<String, List<String>> monitoredGrants = packagerGrants("edp-demo-bucket,edp-demo-second");
        for (String action : List.of("s3:GetObject", "s3:GetObjectVersion")) {
            assertEquals(List.of("arn:*:s3:::edp-demo-bucket/*", "arn:*:s3:::edp-demo-second/*"), monitoredGrants.get(action),
                    "the packager reads each monitored bucket's pointers and manifests");
        }
        // and the rule matches every monitored bucket of a list
        EventRouter twoBuckets = new EventRouter(template, Map.of("BucketName", "edp-demo-second,edp-demo-bucket"), Map.of());
        assertEquals(List.of("BucketEventsRule", "RegistryRevisionsRule"), twoBuckets.matchingRules(EventRouter.DEFAULT_BUS, pointer));
        assertTrue(reads("PackagerRegistryPolicy", "arn:${AWS::Partition}:s3:::${PackageRegistry}/.quilt/*"), "and PackageRegistry's");
    }

    /** True when the role's (or policy's) statements allow s3:GetObject and s3:GetObjectVersion on exactly this resource. */
    private boolean reads(String logicalId, String resource) {
        JsonNode properties = template.resource(logicalId).path("Properties");
        JsonNode document = properties.has("Policies") ? properties.path("Policies").path(0).path("PolicyDocument") : properties.path("PolicyDocument");
        for (JsonNode statement : document.path("Statement")) {
            List<String> actions = texts(statement.path("Action"));
            JsonNode r = statement.path("Resource");
            List<String> resources = new ArrayList<>();
            (r.isArray() ? r : JsonNodeFactory.instance.arrayNode().add(r)).forEach(x -> resources.add(x.path("Fn::Sub").asText(x.asText())));
            if (actions.contains("s3:GetObject") && actions.contains("s3:GetObjectVersion") && resources.contains(resource)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theRegistryOfAutomaticPackagesGetsOnlyRegistryWrites() {
        JsonNode policy = template.resource("PackagerRegistryPolicy");
        assertEquals("HasPackageRegistry", policy.path("Condition").asText());
        assertTrue(template.condition("HasPackageRegistry", Map.of("BucketName", "raw", "PackageRegistry", "processed")));
        assertFalse(template.condition("HasPackageRegistry", Map.of("BucketName", "raw")), "empty: the source bucket, no extra grant");
        List<String> putObject = new ArrayList<>();
        for (JsonNode statement : policy.path("Properties").path("PolicyDocument").path("Statement")) {
            if (texts(statement.path("Action")).contains("s3:PutObject")) {
                statement.path("Resource").forEach(r -> putObject.add(r.path("Fn::Sub").asText()));
            }
        }
        String registry = "arn:${AWS::Partition}:s3:::${PackageRegistry}/";
        assertEquals(List.of(registry + S3PackageRegistry.PACKAGES + "*", registry + S3PackageRegistry.NAMED + "*",
                registry + S3CheckpointStore.PREFIX + "*"), putObject);
        assertTrue(template.condition("HasExtraRegistries", Map.of("BucketName", "raw", "ExtraRegistries", "a,b")));
        assertFalse(template.condition("HasExtraRegistries", Map.of("BucketName", "raw")));
    }

    @Test
    void theDefaultFilesOfAutomaticPackagesAreOnlyReadAndOnlyWhenSet() {
        for (String file : List.of("Readme", "QuiltIgnore")) {
            JsonNode policy = template.resource("PackagerDefault" + file + "Policy");
            String condition = "HasAutomaticPackage" + file;
            assertEquals(condition, policy.path("Condition").asText());
            assertTrue(template.condition(condition, Map.of("BucketName", "raw", "AutomaticPackage" + file, "s3://cfg/edp/x")));
            assertFalse(template.condition(condition, Map.of("BucketName", "raw")), "off by default: no grant");
            List<String> actions = new ArrayList<>();
            for (JsonNode statement : policy.path("Properties").path("PolicyDocument").path("Statement")) {
                actions.addAll(texts(statement.path("Action")));
            }
            assertEquals(List.of("s3:ListBucket", "s3:ListBucketVersions", "s3:GetObject", "s3:GetObjectVersion",
                    "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes"), actions, file + ": read only");
        }
    }

    @Test
    void packagerQueueAdmitsTheAccountsOwnRulesAndItsDeadLetterQueueOnlyTheStacksRule() {
        // the Quilt packaging pages tell users to target the packager queue from their own rules
        JsonNode statements = template.resource("PackagerQueuePolicy").path("Properties").path("PolicyDocument").path("Statement");
        JsonNode accountRules = null;
        for (JsonNode statement : statements) {
            if ("PackageRequestsFromAccountRules".equals(statement.path("Sid").asText())) {
                accountRules = statement;
            }
        }
        assertNotNull(accountRules, "no statement admits the account's own rules: " + statements);
        assertEquals("events.amazonaws.com", accountRules.path("Principal").path("Service").asText());
        assertEquals("sqs:SendMessage", accountRules.path("Action").asText());
        assertEquals("{\"Fn::GetAtt\":[\"PackagerQueue\",\"Arn\"]}", accountRules.path("Resource").toString(), "the queue only, never its DLQ");
        assertEquals("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/*",
                accountRules.path("Condition").path("ArnLike").path("aws:SourceArn").path("Fn::Sub").asText());
        assertEquals("AWS::AccountId", accountRules.path("Condition").path("StringEquals").path("aws:SourceAccount").path("Ref").asText());
    }

    @Test
    void everyInputTemplateIsJsonWithQuotedStringPlaceholders() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (CloudFormationTemplate.EventRule rule : template.rules()) {
            for (CloudFormationTemplate.Target target : rule.targets()) {
                if (target.inputTemplate().isEmpty()) {
                    continue;
                }
                checked++;
                String inputTemplate = target.inputTemplate().get();
                Matcher placeholders = Pattern.compile("(\"?)<([A-Za-z0-9_.-]+)>(\"?)").matcher(inputTemplate);
                while (placeholders.find()) {
                    String name = placeholders.group(2);
                    if (!target.inputPathsMap().containsKey(name) && !name.startsWith("aws.events.")) {
                        problems.add(rule.logicalId() + "/" + target.id() + ": <" + name + "> is not in InputPathsMap");
                    }
                    if (placeholders.group(1).isEmpty() != placeholders.group(3).isEmpty()) {
                        problems.add(rule.logicalId() + "/" + target.id() + ": <" + name + "> is half quoted");
                    }
                }
                String sample = inputTemplate.replaceAll("\"<[^>]+>\"", "\"x\"").replaceAll("<[^>]+>", "1");
                try {
                    mapper.readTree(sample);
                } catch (Exception e) {
                    problems.add(rule.logicalId() + "/" + target.id() + ": InputTemplate is not JSON (moto and most consumers need JSON): " + e.getMessage());
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        // today every rule forwards the event unchanged; this test guards the day one gets a transformer
        assertTrue(checked >= 0);
    }

    @Test
    void functionsRunJava21InTheVpcWithSnapStartOnPublishedVersions() {
        JsonNode globals = template.globals().path("Function");
        assertEquals("java21", globals.path("Runtime").asText());
        assertEquals("SecurityGroup", globals.path("VpcConfig").path("SecurityGroupIds").path(0).path("Ref").asText());
        assertEquals("Subnets", globals.path("VpcConfig").path("SubnetIds").path("Ref").asText());
        for (String id : List.of("StoreFunction", "EmitFunction", "PackagerFunction")) {
            JsonNode props = template.resource(id).path("Properties");
            assertEquals("PublishedVersions", props.path("SnapStart").path("ApplyOn").asText(), id);
            assertTrue(props.has("AutoPublishAlias"), id + " needs a published version for SnapStart to apply");
        }
    }

    @Test
    void eachFunctionSettingsResourceRepeatsItsFunctionsEnvironmentAndNamesItsVersion() {
        // FunctionSettings stands for what the function runs with: its digest must change whenever the environment does
        List<String> problems = new ArrayList<>();
        JsonNode globals = template.globals().path("Function");
        ObjectNode shared = withoutServiceFields(template.resource("SharedSettings").path("Properties"));
        JsonNode sharedLayers = shared.remove("Layers");
        if (!shared.equals(globals.path("Environment").path("Variables"))) {
            problems.add("SharedSettings differs from Globals' environment:\n  " + shared + "\n  " + globals.path("Environment").path("Variables"));
        }
        JsonNode layers = globals.path("Layers").path("Fn::If");
        if (!sharedLayers.path("Fn::If").path(0).equals(layers.path(0)) || !sharedLayers.path("Fn::If").path(1).equals(layers.path(1))) {
            problems.add("SharedSettings' Layers differ from Globals' Layers: " + sharedLayers + " vs " + globals.path("Layers"));
        }
        for (String function : List.of("Store", "Emit", "Packager")) {
            JsonNode fn = template.resource(function + "Function").path("Properties");
            ObjectNode settings = withoutServiceFields(template.resource(function + "Settings").path("Properties"));
            if (!"SharedSettings".equals(settings.remove("Shared").path("Ref").asText())) {
                problems.add(function + "Settings must take Shared: !Ref SharedSettings");
            }
            if (!settings.equals(fn.path("Environment").path("Variables"))) {
                problems.add(function + "Settings differs from " + function + "Function's environment:\n  " + settings + "\n  "
                        + fn.path("Environment").path("Variables"));
            }
            if (!("${" + function + "Settings}").equals(fn.path("VersionDescription").path("Fn::Sub").asText())) {
                problems.add(function + "Function's VersionDescription must be !Sub \"${" + function + "Settings}\"");
            }
            if (fn.has("Layers") || fn.has("AutoPublishAliasAllProperties")) {
                problems.add(function + "Function: layers belong in Globals, where SharedSettings repeats them");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void packagerWritesOnlyTheRegistryKeysItsCodeWrites() {
        // .quilt/workflows/config.yml and the catalog's own files stay out of the packager's reach, in every monitored bucket
        Map<String, List<String>> byAction = packagerGrants("raw-a,raw-b");
        List<String> putObject = new ArrayList<>();
        List<String> abort = new ArrayList<>();
        for (String bucket : List.of("raw-a", "raw-b")) {
            putObject.add("arn:*:s3:::" + bucket + "/" + S3PackageRegistry.PACKAGES + "*");
        }
        for (String bucket : List.of("raw-a", "raw-b")) {
            putObject.add("arn:*:s3:::" + bucket + "/" + S3PackageRegistry.NAMED + "*");
        }
        for (String bucket : List.of("raw-a", "raw-b")) {
            putObject.add("arn:*:s3:::" + bucket + "/" + S3ContentHasher.SCRATCH_PREFIX + "*");
            abort.add("arn:*:s3:::" + bucket + "/" + S3ContentHasher.SCRATCH_PREFIX + "*");
        }
        List<String> checkpoints = new ArrayList<>();
        for (String bucket : List.of("raw-a", "raw-b")) {
            putObject.add("arn:*:s3:::" + bucket + "/" + S3CheckpointStore.PREFIX + "*");
            checkpoints.add("arn:*:s3:::" + bucket + "/" + S3CheckpointStore.PREFIX + "*");
        }
        assertEquals(putObject, byAction.get("s3:PutObject"));
        assertEquals(abort, byAction.get("s3:AbortMultipartUpload"));
        // checkpoints of packages built over several invocations are the only keys it deletes (ADR 0114)
        assertEquals(checkpoints, byAction.get("s3:DeleteObject"));
    }

    @Test
    void packagerMaySendOnlyToItsOwnQueueAndKnowsItsUrl() {
        // a package that runs out of time sends itself back to the packager queue with its checkpoint (ADR 0114)
        JsonNode statements = template.resource("PackagerRole").path("Properties").path("Policies").path(0).path("PolicyDocument")
                .path("Statement");
        List<String> sendTo = new ArrayList<>();
        for (JsonNode statement : statements) {
            if (texts(statement.path("Action")).contains("sqs:SendMessage")) {
                sendTo.add(statement.path("Resource").toString());
            }
        }
        assertEquals(List.of("{\"Fn::GetAtt\":[\"PackagerQueue\",\"Arn\"]}"), sendTo);
        JsonNode env = template.resource("PackagerFunction").path("Properties").path("Environment").path("Variables");
        assertEquals("PackagerQueue", env.path("PACKAGER_QUEUE_URL").path("Ref").asText());
        assertTrue(env.path("CHECKPOINT_MARGIN_SECONDS").asInt() >= 10, "the checkpoint margin");
        for (String policy : List.of("PackagerRegistryPolicy", "PackagerExtraRegistriesPolicy", "PackagerOmicsOutputPolicy")) {
            assertTrue(template.resource(policy).toString().contains("s3:DeleteObject"), policy + " lets checkpoints be deleted");
        }
    }

    @Test
    void everyMonitoredBucketIsListedReadAndMatchedAndOneBucketStaysOneBucket() {
        // Given BucketName with one bucket (the EDP docs' parameter files) and with three
        for (List<String> buckets : List.of(List.of("edp-data"), List.of("raw-a", "raw-b", "instruments-c"))) {
            String value = String.join(",", buckets);
            Map<String, List<String>> grants = packagerGrants(value);
            assertEquals(buckets.stream().map(b -> "arn:*:s3:::" + b).toList(), grants.get("s3:ListBucket"), value);
            assertEquals(buckets.stream().map(b -> "arn:*:s3:::" + b + "/*").toList(), grants.get("s3:GetObject"), value);
            DeploymentModel model = new DeploymentModel(template.root(), deployValues(Map.of("BucketName", value)), Map.of());
            // Then the S3 rule matches exactly those buckets, and so does the RO-Crate rule
            for (String rule : List.of("BucketEventsRule", "RoCratesRule")) {
                JsonNode names = model.resolve(template.resource(rule).path("Properties").path("EventPattern").path("detail").path("bucket").path("name"));
                List<String> matched = new ArrayList<>();
                names.forEach(n -> matched.add(n.asText()));
                assertEquals(buckets, matched, rule + " for " + value);
            }
            // and the store accepts exactly those
            assertEquals(value, model.resolve(template.resource("StoreFunction").path("Properties").path("Environment").path("Variables")
                    .path("BUCKET_NAMES")).asText());
        }
        // The parameter takes up to ten names, no spaces, no empty entries
        String pattern = template.parameters().path("BucketName").path("AllowedPattern").asText();
        assertTrue("raw-a,raw-b,instruments-c".matches(pattern));
        assertTrue(String.join(",", java.util.Collections.nCopies(10, "edp-data")).matches(pattern));
        assertFalse(String.join(",", java.util.Collections.nCopies(11, "edp-data")).matches(pattern), "eleven buckets");
        assertFalse("edp-data, edp-more".matches(pattern), "a space");
        assertFalse("edp-data,,edp-more".matches(pattern), "an empty entry");
    }

    @Test
    void theRulesFileIsReadByEmitOnlyAndOnlyWhenGiven() {
        JsonNode policy = template.resource("EmitRulesFilePolicy");
        assertEquals("HasBucketRulesFile", policy.path("Condition").asText());
        assertEquals("EmitRole", policy.path("Properties").path("Roles").path(0).path("Ref").asText());
        assertFalse(template.condition("HasBucketRulesFile", Map.of("BucketName", "raw")));
        DeploymentModel model = new DeploymentModel(template.root(),
                deployValues(Map.of("BucketName", "raw", "BucketRulesUri", "s3://edp-config/edp/rules.json")), Map.of());
        JsonNode statement = model.properties("EmitRulesFilePolicy").path("PolicyDocument").path("Statement").path(0);
        assertEquals("s3:GetObject", statement.path("Action").asText());
        assertEquals("arn:aws:s3:::edp-config/edp/rules.json", statement.path("Resource").asText());
        String pattern = template.parameters().path("BucketRulesUri").path("AllowedPattern").asText();
        for (String ok : List.of("", "s3://edp-config/rules.json", "s3://edp-config/edp/thresholds/rules.json")) {
            assertTrue(ok.matches(pattern), ok);
        }
        for (String bad : List.of("edp-config/rules.json", "s3://edp-config/", "s3://edp-config", "https://edp-config.s3.amazonaws.com/rules.json",
                "s3://edp-config/rules.json?versionId=1")) {
            assertFalse(bad.matches(pattern), bad);
        }
    }

    /** The packager role's S3 resources per action, resolved for {@code bucketName}. */
    private Map<String, List<String>> packagerGrants(String bucketName) {
        DeploymentModel model = new DeploymentModel(template.root(), deployValues(Map.of("BucketName", bucketName)), Map.of());
        JsonNode statements = model.properties("PackagerRole").path("Policies").path(0).path("PolicyDocument").path("Statement");
        Map<String, List<String>> byAction = new LinkedHashMap<>();
        for (JsonNode statement : statements) {
            for (String action : texts(statement.path("Action"))) {
                List<String> resources = byAction.computeIfAbsent(action, a -> new ArrayList<>());
                JsonNode resource = statement.path("Resource");
                (resource.isArray() ? resource : JsonNodeFactory.instance.arrayNode().add(resource)).forEach(r -> resources.add(r.asText()));
            }
        }
        return byAction;
    }

    private static Map<String, String> deployValues(Map<String, String> values) {
        Map<String, String> parameters = new HashMap<>(Map.of("VPC", "vpc-1", "Subnets", "subnet-1,subnet-2", "SecurityGroup", "sg-1"));
        parameters.putAll(values);
        return parameters;
    }

    @Test
    void silenceAlarms() {
        // emit not running at all: no Invocations data must alarm, not pass
        JsonNode silent = template.resource("EmitSilentAlarm").path("Properties");
        assertEquals("Invocations", silent.path("MetricName").asText());
        assertEquals("EmitFunction", silent.path("Dimensions").path(0).path("Value").path("Ref").asText());
        assertEquals("breaching", silent.path("TreatMissingData").asText());
        assertEquals("LessThanThreshold", silent.path("ComparisonOperator").asText());
        assertTrue(silent.path("Period").asInt() * silent.path("EvaluationPeriods").asInt() >= 600,
                "a tick every minute: alarm after several silent minutes, not one late tick");
        // an ingest backlog: older than a poison message's 5 receives x 370 s before it is dead-lettered
        JsonNode age = template.resource("IngestQueueAgeAlarm").path("Properties");
        assertEquals("ApproximateAgeOfOldestMessage", age.path("MetricName").asText());
        assertEquals("IngestQueue", age.path("Dimensions").path(0).path("Value").path("Fn::GetAtt").path(0).asText());
        assertTrue(age.path("Threshold").asInt() > 5 * 370, "threshold " + age.path("Threshold"));
    }

    @Test
    void closedBatchAlarmFiresAtTheAgeEdpStatusFlagsForEveryTickPeriod() throws Exception {
        // the threshold edp status calls "needs attention" (ADR 0314), read where it is defined
        Method attentionAfter = StatusCommand.class.getDeclaredMethod("attentionAfter", Duration.class);
        attentionAfter.setAccessible(true);
        Pattern overdue = Pattern.compile("oldest - \\((\\d+) \\+ (\\d+) \\* (\\d+)\\)");
        for (int tick : new int[] {1, 10, 37, 60}) {
            // Given the alarm as a deployment with that EmitTickSeconds gets it
            JsonNode alarm = new DeploymentModel(template.root(),
                    deployValues(Map.of("BucketName", "edp-data", "EmitTickSeconds", String.valueOf(tick))), Map.of())
                    .properties("EmitClosedBatchAlarm");
            JsonNode watched = alarm.path("Metrics").path(0);
            JsonNode expression = alarm.path("Metrics").path(1);

            // Then it watches the emit's oldest closed batch of this stack, at its worst in each minute
            assertEquals("oldest", watched.path("Id").asText());
            assertFalse(watched.path("ReturnData").asBoolean(true), "only the expression is the alarm's series");
            JsonNode metric = watched.path("MetricStat").path("Metric");
            assertEquals("EDP", metric.path("Namespace").asText());
            assertEquals("OldestClosedBatchSeconds", metric.path("MetricName").asText());
            assertEquals("[{\"Name\":\"Function\",\"Value\":\"emit\"},{\"Name\":\"Stack\",\"Value\":\"edp\"}]",
                    metric.path("Dimensions").toString());
            assertEquals("Maximum", watched.path("MetricStat").path("Stat").asText());

            // and fires once that age passes the emit lease plus three ticks of this deployment
            Matcher m = overdue.matcher(expression.path("Expression").asText());
            assertTrue(m.matches(), "expected 'oldest - (lease + ticks * EmitTickSeconds)', got " + expression.path("Expression"));
            long threshold = Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) * Long.parseLong(m.group(3));
            assertEquals(((Duration) attentionAfter.invoke(null, Duration.ofSeconds(tick))).toSeconds(), threshold, "EmitTickSeconds " + tick);
            assertTrue(expression.path("ReturnData").asBoolean(false));
            assertEquals(0, alarm.path("Threshold").asInt());
            assertEquals("GreaterThanThreshold", alarm.path("ComparisonOperator").asText());
        }
        // a tick that runs always reports the age (0 when none); no data is EmitSilentAlarm's and EmitErrorsAlarm's to report
        JsonNode raw = template.resource("EmitClosedBatchAlarm").path("Properties");
        assertEquals("notBreaching", raw.path("TreatMissingData").asText());
        for (String actions : List.of("AlarmActions", "OKActions")) {
            assertEquals("[{\"Ref\":\"AlarmTopic\"}]", raw.path(actions).toString(), actions);
        }
    }

    @Test
    void everyRuleTargetAndQueueDeadLettersSomewhereAnAlarmWatches() {
        Set<String> watched = new HashSet<>();
        template.resourcesOfType("AWS::CloudWatch::Alarm").values().forEach(alarm -> {
            JsonNode props = alarm.path("Properties");
            if (props.path("MetricName").asText().equals("ApproximateNumberOfMessagesVisible")) {
                watched.add(props.path("Dimensions").path(0).path("Value").path("Fn::GetAtt").path(0).asText());
            }
        });
        List<String> problems = new ArrayList<>();
        for (CloudFormationTemplate.EventRule rule : template.rules()) {
            if (rule.scheduleExpression().isPresent()) {
                continue; // the emit tick: a missed tick is done by the next one (ADR 0301)
            }
            for (CloudFormationTemplate.Target target : rule.targets()) {
                String dlq = target.raw().path("DeadLetterConfig").path("Arn").path("Fn::GetAtt").path(0).asText("");
                if (dlq.isEmpty()) {
                    problems.add(rule.logicalId() + "/" + target.id() + ": no dead-letter queue");
                } else if (!watched.contains(dlq)) {
                    problems.add(rule.logicalId() + "/" + target.id() + ": no alarm watches " + dlq);
                }
                if (target.raw().path("RetryPolicy").isMissingNode()) {
                    problems.add(rule.logicalId() + "/" + target.id() + ": no RetryPolicy");
                }
            }
        }
        template.resourcesOfType("AWS::SQS::Queue").forEach((id, queue) -> {
            String dlq = queue.path("Properties").path("RedrivePolicy").path("deadLetterTargetArn").path("Fn::GetAtt").path(0).asText("");
            if (!dlq.isEmpty() && !watched.contains(dlq)) {
                problems.add(id + ": no alarm watches its dead-letter queue " + dlq);
            }
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyParameterIsInAConsoleParameterGroup() {
        Set<String> grouped = new HashSet<>();
        template.root().path("Metadata").path("AWS::CloudFormation::Interface").path("ParameterGroups")
                .forEach(group -> group.path("Parameters").forEach(p -> grouped.add(p.asText())));
        List<String> missing = new ArrayList<>();
        template.parameters().fieldNames().forEachRemaining(name -> {
            if (!grouped.contains(name)) {
                missing.add(name);
            }
        });
        assertEquals(List.of(), missing, "parameters missing from AWS::CloudFormation::Interface");
    }

    @Test
    void rulesRefuseConnectionCountsTheDatabaseCannotServe() {
        // Given the documented budget: 2 x (store + packager) + 10 within the class's max_connections
        Map<String, Integer> maxConnections = Map.of("db.t4g.micro", 80, "db.t4g.small", 190, "db.t4g.medium", 410);
        for (Map.Entry<String, Integer> database : maxConnections.entrySet()) {
            for (int concurrency = 2; concurrency <= 100; concurrency++) {
                boolean fits = 2 * (concurrency + concurrency) + 10 <= database.getValue();
                List<String> failed = rules(Map.of("DBInstanceClass", database.getKey(),
                        "StoreMaxConcurrency", String.valueOf(concurrency), "PackagerMaxConcurrency", String.valueOf(concurrency)));
                // Then the rules never let through a combination that does not fit
                assertTrue(fits || !failed.isEmpty(), database.getKey() + " with " + concurrency + " + " + concurrency + " passes the rules");
            }
        }
        assertEquals(List.of(), rules(Map.of()), "the defaults deploy");
        assertEquals(List.of(), rules(Map.of("StoreMaxConcurrency", "15", "PackagerMaxConcurrency", "15")));
        assertEquals(2, rules(Map.of("StoreMaxConcurrency", "16", "PackagerMaxConcurrency", "50")).size());
        assertEquals(List.of(), rules(Map.of("DBInstanceClass", "db.r6g.large", "StoreMaxConcurrency", "100", "PackagerMaxConcurrency", "100")));
    }

    @Test
    void verifyFullNeedsTheCaBundleAndPassesItToEveryFunction() {
        assertEquals(1, rules(Map.of("DBSslMode", "verify-full")).size());
        assertEquals(List.of(), rules(Map.of("DBSslMode", "verify-full", "DBCaBundleLayerArn", "arn:aws:lambda:us-east-1:123456789012:layer:rds-ca:3")));
        assertEquals("require", template.parameters().path("DBSslMode").path("Default").asText());
        JsonNode variables = template.globals().path("Function").path("Environment").path("Variables");
        assertEquals("DBSslMode", variables.path("DB_SSLMODE").path("Ref").asText());
        assertEquals("[\"HasCaBundleLayer\",\"/opt/rds-ca/global-bundle.pem\",\"\"]", variables.path("DB_SSLROOTCERT").path("Fn::If").toString());
        assertEquals("[{\"Ref\":\"DBCaBundleLayerArn\"}]", template.globals().path("Function").path("Layers").path("Fn::If").path(1).toString());
    }

    @Test
    void metricsOfEachStackCarryItsName() {
        // the dashboard's EDP series select Stack = ${AWS::StackName}; the functions must emit exactly that
        assertEquals("AWS::StackName", template.globals().path("Function").path("Environment").path("Variables").path("EDP_STACK_NAME").path("Ref").asText());
    }

    private List<String> rules(Map<String, String> values) {
        Map<String, String> parameters = new HashMap<>(Map.of("VPC", "vpc-1", "Subnets", "subnet-1,subnet-2", "SecurityGroup", "sg-1", "BucketName", "edp-data"));
        parameters.putAll(values);
        return new DeploymentModel(template.root(), parameters, Map.of()).failedRules();
    }

    private static ObjectNode withoutServiceFields(JsonNode properties) {
        ObjectNode copy = properties.deepCopy();
        copy.remove(List.of("ServiceToken", "ServiceTimeout"));
        return copy;
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new HashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isTextual()) {
            values.add(node.asText());
        }
        node.forEach(n -> {
            if (n.isTextual()) {
                values.add(n.asText());
            }
        });
        return values;
    }

    private interface Visitor {
        void visit(String path, JsonNode node);
    }

    private static void walk(JsonNode node, String path, Visitor visitor) {
        if (node.isObject()) {
            visitor.visit(path, node);
            node.fields().forEachRemaining(e -> walk(e.getValue(), path + "/" + e.getKey(), visitor));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "/" + i, visitor);
            }
        }
    }

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}

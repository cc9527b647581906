package com.quiltdata.edp.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The few rewrites an expanded template needs before moto 5.2's CloudFormation can create it. Each one
 * works around a moto defect, not a template problem (real CloudFormation takes the template as is),
 * and each is narrow: it touches only the constructs named below and reports what it changed.
 *
 * <ol>
 *   <li>moto has no {@code AWS::Lambda::Alias}: a Ref to one resolves to nothing, and the event source
 *       mappings, schedule targets and permissions SAM points at the {@code live} alias fail. Each
 *       {@code {"Ref": "<Fn>Aliaslive"}} becomes {@code {"Fn::GetAtt": ["<Fn>", "Arn"]}} (an alias
 *       ARN and a function ARN are interchangeable in those places).</li>
 *   <li>moto's {@code AWS::RDS::DBInstance} cannot take {@code DBParameterGroupName: {"Ref": group}}
 *       of a parameter group created by the same stack (it receives the model object and fails with
 *       AttributeError). The property is dropped; {@code TemplateChecksTest} checks the real template
 *       sets it and that the group forces TLS.</li>
 *   <li>moto's EventBridge cannot deliver to SNS topic or Lambda targets: a PutEvents that matches such
 *       a rule fails with HTTP 500 (NotImplementedError), and an S3 event notification stops at the first
 *       such rule it meets, on any bus, silently. A schedule rule (no pattern) matches every event, so
 *       the emit schedule alone would swallow every S3 event. Those targets are removed; the rules stay
 *       (moto never fires schedules anyway).</li>
 *   <li>moto's {@code AWS::RDS::DBInstance} ignores {@code ManageMasterUserPassword} and has no
 *       {@code MasterUserSecret.SecretArn} attribute (the stack fails on the GetAtt). Each such GetAtt
 *       becomes a Ref to a stand-in {@code AWS::SecretsManager::Secret} the rewrite adds, holding what
 *       RDS would put in its secret.</li>
 *   <li>moto invokes the function of an SQS event source mapping when a message arrives, and for a
 *       container-image function that fails (AttributeError, HTTP 500 to the sender, so a PutEvents
 *       whose rule targets the queue fails too). Such mappings are created disabled; the messages stay
 *       in the queue for the test to read.</li>
 * </ol>
 */
public final class MotoCompatibility {
    private MotoCompatibility() {}

    /** Rewrites {@code template} (expanded, plain CloudFormation JSON) in place; returns one line per change. */
    public static List<String> apply(ObjectNode template) {
        List<String> changes = new ArrayList<>();
        JsonNode resources = template.path("Resources");

        Map<String, String> aliasToFunction = new LinkedHashMap<>();
        resources.fields().forEachRemaining(e -> {
            if ("AWS::Lambda::Alias".equals(e.getValue().path("Type").asText())) {
                JsonNode function = e.getValue().path("Properties").path("FunctionName");
                if (function.has("Ref")) {
                    aliasToFunction.put(e.getKey(), function.get("Ref").asText());
                }
            }
        });
        rewrite(template, (node, where) -> {
            String alias = node.path("Ref").asText();
            if (node.size() != 1 || !aliasToFunction.containsKey(alias)) {
                return null;
            }
            String function = aliasToFunction.get(alias);
            changes.add(where + ": Ref " + alias + " -> GetAtt " + function + ".Arn (moto has no AWS::Lambda::Alias)");
            ObjectNode getAtt = JsonNodeFactory.instance.objectNode();
            getAtt.set("Fn::GetAtt", JsonNodeFactory.instance.arrayNode().add(function).add("Arn"));
            return getAtt;
        });

        Map<String, JsonNode> parameterGroups = new LinkedHashMap<>();
        template.path("Resources").fields().forEachRemaining(e -> {
            if ("AWS::RDS::DBParameterGroup".equals(e.getValue().path("Type").asText())) {
                parameterGroups.put(e.getKey(), e.getValue());
            }
        });
        template.path("Resources").fields().forEachRemaining(e -> {
            JsonNode props = e.getValue().path("Properties");
            if ("AWS::RDS::DBInstance".equals(e.getValue().path("Type").asText())
                    && props.path("DBParameterGroupName").has("Ref")
                    && parameterGroups.containsKey(props.path("DBParameterGroupName").path("Ref").asText())) {
                ((ObjectNode) props).remove("DBParameterGroupName");
                changes.add(e.getKey() + ": dropped DBParameterGroupName (moto cannot Ref a stack's own DB parameter group)");
            }
        });

        replaceMasterUserSecrets(template, changes);

        template.path("Resources").fields().forEachRemaining(e -> {
            if (!"AWS::Events::Rule".equals(e.getValue().path("Type").asText())) {
                return;
            }
            JsonNode targets = e.getValue().path("Properties").path("Targets");
            if (targets.isArray()) {
                Iterator<JsonNode> it = targets.iterator();
                while (it.hasNext()) {
                    JsonNode target = it.next();
                    if (isTopicOrFunction(template, target.path("Arn"))) {
                        it.remove();
                        changes.add(e.getKey() + ": removed target " + target.path("Id").asText() + " (moto cannot deliver EventBridge events to SNS or Lambda)");
                    }
                }
            }
        });

        // an SQS message for an image function's event source makes moto invoke it, which fails with HTTP 500
        template.path("Resources").fields().forEachRemaining(e -> {
            if (!"AWS::Lambda::EventSourceMapping".equals(e.getValue().path("Type").asText())) {
                return;
            }
            JsonNode name = e.getValue().path("Properties").path("FunctionName");
            String function = name.has("Ref") ? name.get("Ref").asText() : name.path("Fn::GetAtt").path(0).asText();
            if ("Image".equals(template.path("Resources").path(function).path("Properties").path("PackageType").asText())) {
                ((ObjectNode) e.getValue().path("Properties")).put("Enabled", false);
                changes.add(e.getKey() + ": disabled (moto cannot invoke an image function from an SQS event source)");
            }
        });
        return changes;
    }

    private static void replaceMasterUserSecrets(ObjectNode template, List<String> changes) {
        ObjectNode resources = (ObjectNode) template.path("Resources");
        Map<String, String> standIns = new LinkedHashMap<>();
        resources.fields().forEachRemaining(e -> {
            if ("AWS::RDS::DBInstance".equals(e.getValue().path("Type").asText())
                    && e.getValue().path("Properties").path("ManageMasterUserPassword").asBoolean(false)) {
                standIns.put(e.getKey(), e.getKey() + "MasterUserSecretStandIn");
            }
        });
        for (Map.Entry<String, String> standIn : standIns.entrySet()) {
            ObjectNode secret = resources.putObject(standIn.getValue());
            secret.put("Type", "AWS::SecretsManager::Secret");
            secret.putObject("Properties").put("SecretString", "{\"username\":\"edp\",\"password\":\"stand-in for the RDS-managed one\"}");
        }
        rewrite(template, (node, where) -> {
            JsonNode getAtt = node.path("Fn::GetAtt");
            String database = getAtt.path(0).asText();
            if (node.size() != 1 || !standIns.containsKey(database) || !"MasterUserSecret.SecretArn".equals(getAtt.path(1).asText())) {
                return null;
            }
            changes.add(where + ": GetAtt " + database + ".MasterUserSecret.SecretArn -> Ref " + standIns.get(database)
                    + " (moto has no RDS-managed master user secret)");
            return JsonNodeFactory.instance.objectNode().put("Ref", standIns.get(database));
        });
    }

    private static boolean isTopicOrFunction(JsonNode template, JsonNode arn) {
        String resource = null;
        if (arn.has("Ref")) {
            resource = arn.get("Ref").asText();
        } else if (arn.has("Fn::GetAtt")) {
            resource = arn.get("Fn::GetAtt").path(0).asText();
        }
        if (resource == null) {
            return arn.isTextual() && (arn.asText().startsWith("arn:aws:sns:") || arn.asText().startsWith("arn:aws:lambda:"));
        }
        String type = template.path("Resources").path(resource).path("Type").asText();
        return type.equals("AWS::SNS::Topic") || type.equals("AWS::Lambda::Function") || type.equals("AWS::Lambda::Alias");
    }

    /** Replaces, in Resources and Outputs, each object for which {@code replacement} answers a node (null: keep, look inside). */
    private static void rewrite(ObjectNode template, BiFunction<JsonNode, String, JsonNode> replacement) {
        for (String section : List.of("Resources", "Outputs")) {
            JsonNode node = template.path(section);
            if (node.isObject()) {
                template.set(section, rewrite(node, section, replacement));
            }
        }
    }

    private static JsonNode rewrite(JsonNode node, String where, BiFunction<JsonNode, String, JsonNode> replacement) {
        if (node.isObject()) {
            JsonNode replaced = replacement.apply(node, where);
            if (replaced != null) {
                return replaced;
            }
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                copy.set(field.getKey(), rewrite(field.getValue(), where + "/" + field.getKey(), replacement));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            int i = 0;
            for (JsonNode item : node) {
                copy.add(rewrite(item, where + "/" + i++, replacement));
            }
            return copy;
        }
        return node;
    }
}

package com.quiltdata.edp.it.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.quiltdata.edp.it.CloudFormationTemplate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A function's environment as {@code template.yaml} sets it: its own {@code Environment.Variables},
 * with {@code Ref}s to parameters filled from the deployment's values and {@code Ref}/{@code GetAtt}
 * to resources filled from what the test stands up (a topic ARN, a bus name). Database variables
 * come from the test's PostgreSQL instead of the Globals (RDS and Secrets Manager).
 */
public final class FunctionEnvironment {
    /** What {@code !Ref EmitFunction.Alias} (the store's EMIT_FUNCTION_ARN) stands for in tests. */
    public static final String EMIT_ALIAS_ARN = "arn:aws:lambda:us-east-1:123456789012:function:edp-emit:live";
    /**
     * What {@code !Ref PackagerQueue} (the packager's PACKAGER_QUEUE_URL) stands for where tests wire the
     * packager themselves: a queue it parses but never sends to, since no test package runs out of time there.
     */
    public static final String PACKAGER_QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/edp-packager";

    private FunctionEnvironment() {}

    /**
     * @param parameters deployment parameter values (template defaults are added)
     * @param resources  values for Ref/GetAtt of resources: "Topic" or "Bus.Name" style keys
     */
    public static Map<String, String> of(CloudFormationTemplate template, String functionId, Map<String, String> parameters,
            Map<String, String> resources) {
        Map<String, String> values = EventRouter.parameterValues(template, parameters);
        JsonNode variables = template.resource(functionId).path("Properties").path("Environment").path("Variables");
        if (!variables.isObject()) {
            throw new IllegalArgumentException(functionId + " has no Environment.Variables in the template");
        }
        Map<String, String> env = new LinkedHashMap<>();
        variables.fields().forEachRemaining(v -> env.put(v.getKey(), resolve(functionId + "." + v.getKey(), v.getValue(), values, resources)));
        return env;
    }

    private static String resolve(String where, JsonNode value, Map<String, String> parameters, Map<String, String> resources) {
        if (value.isValueNode()) {
            return value.asText();
        }
        if (value.has("Ref")) {
            String name = value.get("Ref").asText();
            String v = parameters.containsKey(name) ? parameters.get(name) : resources.get(name);
            if (v == null) {
                throw new IllegalArgumentException(where + ": no value for Ref " + name);
            }
            return v;
        }
        if (value.has("Fn::GetAtt")) {
            String key = value.get("Fn::GetAtt").get(0).asText() + "." + value.get("Fn::GetAtt").get(1).asText();
            String v = resources.get(key);
            if (v == null) {
                throw new IllegalArgumentException(where + ": no value for GetAtt " + key);
            }
            return v;
        }
        throw new IllegalArgumentException(where + ": cannot resolve " + value);
    }
}

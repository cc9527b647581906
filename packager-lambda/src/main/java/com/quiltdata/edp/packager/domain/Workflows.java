package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.packager.port.ObjectReader.StoredText;
import com.quiltdata.edp.packager.domain.PackageRequest.WorkflowChoice;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.core.JacksonException;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * quilt3's workflow check: pick the workflow from {@code .quilt/workflows/config.yml}, check the
 * message, the name pattern, the package metadata and the entries against its JSON Schemas
 * (draft-07), and give the {@code workflow} dict the manifest header records.
 */
public final class Workflows {
    private static final String DRAFT_07 = "http://json-schema.org/draft-07/schema";

    private Workflows() {}

    /**
     * The YAML and schema machinery (about 650 classes of Jackson 3 and the schema validator), loaded
     * only when a registry has a workflows config: most packages have none, and a cold start (a new
     * {@code edp local}, a Lambda cold start) would otherwise load them all for nothing.
     */
    private static final class Parsers {
        static final YAMLMapper YAML = new YAMLMapper();
        static final tools.jackson.databind.ObjectMapper JSON3 = new tools.jackson.databind.ObjectMapper();
        static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    }

    /**
     * @param config   the registry's config, if any
     * @param userMeta the header's user_meta (NullNode when set to null)
     * @param schemas  reads a schema by URL (with its effective, version-pinned location)
     * @return the header's workflow dict, or empty when the registry has no workflows config
     */
    public static Optional<ObjectNode> validate(Optional<StoredText> config, WorkflowChoice choice, PackageName name,
            String message, JsonNode userMeta, List<ManifestEntry> entries, Function<String, Optional<StoredText>> schemas) {
        if (config.isEmpty()) {
            if (choice instanceof WorkflowChoice.Named w) {
                throw new WorkflowRejectedException(w.id(), w.id() + " workflow is specified, but no workflows config exist.");
            }
            if (choice instanceof WorkflowChoice.NoWorkflow) {
                throw new WorkflowRejectedException(null, "None workflow is specified, but no workflows config exist.");
            }
            return Optional.empty();
        }
        String configUrl = config.get().location().toUrl();
        JsonNode cfg = parseConfig(config.get().text());
        JsonNode workflows = cfg.path("workflows");
        boolean required = cfg.path("is_workflow_required").asBoolean(true);
        String id = null;
        if (choice instanceof WorkflowChoice.Named w) {
            id = w.id();
        } else if (choice instanceof WorkflowChoice.RegistryDefault && cfg.hasNonNull("default_workflow")) {
            id = cfg.get("default_workflow").asText();
        }
        ObjectNode dict = JsonNodeFactory.instance.objectNode();
        if (id == null) {
            if (required) {
                throw new WorkflowRejectedException(null, "Workflow required, but none specified.");
            }
            dict.putNull("id");
            dict.put("config", configUrl);
            return Optional.of(dict);
        }
        JsonNode workflow = workflows.get(id);
        if (workflow == null || !workflow.isObject()) {
            throw new WorkflowRejectedException(id, "There is no " + id + " workflow in config.");
        }
        dict.put("id", id);
        dict.put("config", configUrl);
        if (workflow.path("is_message_required").asBoolean(false) && (message == null || message.isEmpty())) {
            throw new WorkflowRejectedException(id, "Commit message is required by workflow, but none was provided.");
        }
        if (workflow.hasNonNull("handle_pattern")) {
            try {
                if (!Pattern.compile(workflow.get("handle_pattern").asText()).matcher(name.toString()).find()) {
                    throw new WorkflowRejectedException(id, "Package name doesn't match required pattern.");
                }
            } catch (PatternSyntaxException e) {
                throw new WorkflowRejectedException(id, "handle_pattern is not a valid pattern: " + e.getDescription());
            }
        }
        ObjectNode loaded = JsonNodeFactory.instance.objectNode();
        if (workflow.hasNonNull("metadata_schema")) {
            String schemaId = workflow.get("metadata_schema").asText();
            Schema schema = loadSchema(cfg, id, schemaId, schemas, loaded);
            List<String> errors = errors(schema, userMeta);
            if (!errors.isEmpty()) {
                throw new WorkflowRejectedException(id, "Metadata failed validation: " + String.join("; ", errors) + ".", errors);
            }
        }
        if (workflow.hasNonNull("entries_schema")) {
            String schemaId = workflow.get("entries_schema").asText();
            Schema schema = loadSchema(cfg, id, schemaId, schemas, loaded);
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            for (ManifestEntry entry : entries) {
                ObjectNode e = array.addObject();
                e.put("logical_key", entry.logicalKey());
                e.put("size", entry.size());
                e.set("meta", entry.meta().has("user_meta") ? entry.meta().get("user_meta") : JsonNodeFactory.instance.objectNode());
            }
            List<String> errors = errors(schema, array);
            if (!errors.isEmpty()) {
                throw new WorkflowRejectedException(id, "Package entries failed validation: " + String.join("; ", errors) + ".", errors);
            }
        }
        if (!loaded.isEmpty()) {
            dict.set("schemas", loaded);
        }
        return Optional.of(dict);
    }

    static JsonNode parseConfig(String yaml) {
        JsonNode cfg;
        try {
            cfg = Json.parse(Parsers.JSON3.writeValueAsString(Parsers.YAML.readTree(yaml)));
        } catch (JacksonException | IllegalArgumentException e) {
            throw new WorkflowRejectedException(null, "workflows config is not valid YAML: " + e.getMessage());
        }
        if (!cfg.isObject() || !cfg.has("version")) {
            throw new WorkflowRejectedException(null, "workflows config has no version");
        }
        if (!cfg.path("workflows").isObject() || cfg.path("workflows").isEmpty()) {
            throw new WorkflowRejectedException(null, "workflows config has no workflows");
        }
        return cfg;
    }

    private static Schema loadSchema(JsonNode cfg, String workflowId, String schemaId,
            Function<String, Optional<StoredText>> schemas, ObjectNode loaded) {
        JsonNode url = cfg.path("schemas").path(schemaId).path("url");
        if (!url.isTextual()) {
            throw new WorkflowRejectedException(workflowId, "schema " + schemaId + " is not defined in the workflows config");
        }
        StoredText text = schemas.apply(url.textValue()).orElseThrow(() -> new WorkflowRejectedException(workflowId,
                "schema " + schemaId + " not found at " + url.textValue()));
        JsonNode node;
        try {
            node = Json.parse(text.text());
        } catch (IllegalArgumentException e) {
            throw new WorkflowRejectedException(workflowId, "schema " + schemaId + " is not JSON: " + e.getMessage());
        }
        if (node.has("$schema") && !node.get("$schema").asText().replaceAll("#$", "").equals(DRAFT_07)) {
            throw new WorkflowRejectedException(workflowId, "schema " + schemaId + " must be JSON Schema draft-07");
        }
        if (containsRef(node)) {
            throw new WorkflowRejectedException(workflowId, "schema " + schemaId + " uses $ref, which quilt3 does not support");
        }
        loaded.put(schemaId, text.location().toUrl());
        return Parsers.SCHEMAS.getSchema(node.toString(), InputFormat.JSON);
    }

    private static boolean containsRef(JsonNode node) {
        if (node.isObject()) {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (n.equals("$ref") || containsRef(node.get(n))) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                if (containsRef(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> errors(Schema schema, JsonNode instance) {
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(instance.toString(), InputFormat.JSON)) {
            out.add(e.toString());
        }
        return out;
    }
}

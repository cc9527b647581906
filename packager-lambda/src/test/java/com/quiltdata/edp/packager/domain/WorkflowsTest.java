package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.NullNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.packager.port.ObjectReader.StoredText;
import com.quiltdata.edp.packager.domain.PackageRequest.WorkflowChoice;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkflowsTest {
    private static final PackageName NAME = PackageName.parse("team/data");
    private static final List<ManifestEntry> ENTRIES = List.of(
            ManifestEntry.of("a.csv", PhysicalKey.of("b", "a.csv", null), 12, Checksum.chunked("x")));
    private static final Map<String, String> SCHEMAS = Map.of(
            "s3://b/s/entries.json", "{\"type\": \"array\", \"items\": {\"properties\": {\"size\": {\"maximum\": 10}}}}",
            "s3://b/s/ref.json", "{\"properties\": {\"a\": {\"$ref\": \"#/definitions/x\"}}}",
            "s3://b/s/draft4.json", "{\"$schema\": \"http://json-schema.org/draft-04/schema#\"}");

    private static Optional<StoredText> config(String yaml) {
        return Optional.of(new StoredText(yaml, PhysicalKey.of("reg", ".quilt/workflows/config.yml", "v9")));
    }

    private static Optional<com.fasterxml.jackson.databind.node.ObjectNode> validate(String yaml, WorkflowChoice choice, String message) {
        return Workflows.validate(yaml == null ? Optional.empty() : config(yaml), choice, NAME, message, NullNode.instance, ENTRIES,
                url -> Optional.ofNullable(SCHEMAS.get(url)).map(t -> new StoredText(t, PhysicalKey.parse(url))));
    }

    private static final String CONFIG = String.join("\n",
            "version: \"1\"",
            "workflows:",
            "  a:", "    name: A", "    handle_pattern: ^team/",
            "  b:", "    name: B", "    handle_pattern: ^other/",
            "  e:", "    name: E", "    entries_schema: small",
            "  r:", "    name: R", "    metadata_schema: ref",
            "  d:", "    name: D", "    metadata_schema: d4",
            "schemas:",
            "  small: {url: \"s3://b/s/entries.json\"}",
            "  ref: {url: \"s3://b/s/ref.json\"}",
            "  d4: {url: \"s3://b/s/draft4.json\"}", "");

    @Test
    void shouldFollowQuilt3WithoutAConfig() {
        assertEquals(Optional.empty(), validate(null, new WorkflowChoice.RegistryDefault(), null));
        assertThrows(WorkflowRejectedException.class, () -> validate(null, new WorkflowChoice.NoWorkflow(), null));
        assertThrows(WorkflowRejectedException.class, () -> validate(null, new WorkflowChoice.Named("a"), null));
    }

    @Test
    void shouldRequireAWorkflowByDefault() {
        WorkflowRejectedException e = assertThrows(WorkflowRejectedException.class,
                () -> validate(CONFIG, new WorkflowChoice.RegistryDefault(), null));
        assertEquals("Workflow required, but none specified.", e.getMessage());
    }

    @Test
    void shouldRecordTheChosenWorkflowWithTheConfigVersion() {
        assertEquals("{\"id\":\"a\",\"config\":\"s3://reg/.quilt/workflows/config.yml?versionId=v9\"}",
                validate(CONFIG, new WorkflowChoice.Named("a"), null).orElseThrow().toString());
    }

    @Test
    void shouldCheckNamePatternEntriesRefsAndDraft() {
        assertEquals("Package name doesn't match required pattern.", assertThrows(WorkflowRejectedException.class,
                () -> validate(CONFIG, new WorkflowChoice.Named("b"), null)).getMessage());
        WorkflowRejectedException entries = assertThrows(WorkflowRejectedException.class,
                () -> validate(CONFIG, new WorkflowChoice.Named("e"), null));
        assertTrue(entries.getMessage().startsWith("Package entries failed validation"), entries.getMessage());
        assertEquals("e", entries.workflow());
        assertTrue(assertThrows(WorkflowRejectedException.class, () -> validate(CONFIG, new WorkflowChoice.Named("r"), null))
                .getMessage().contains("$ref"));
        assertTrue(assertThrows(WorkflowRejectedException.class, () -> validate(CONFIG, new WorkflowChoice.Named("d"), null))
                .getMessage().contains("draft-07"));
        assertThrows(WorkflowRejectedException.class, () -> validate(CONFIG, new WorkflowChoice.Named("nope"), null));
        assertThrows(WorkflowRejectedException.class, () -> validate("version: [", new WorkflowChoice.Named("a"), null));
    }

    @Test
    void shouldAllowNoWorkflowWhenNotRequired() {
        assertEquals("{\"id\":null,\"config\":\"s3://reg/.quilt/workflows/config.yml?versionId=v9\"}",
                validate("version: \"1\"\nis_workflow_required: false\nworkflows:\n  a: {name: A}\n",
                        new WorkflowChoice.NoWorkflow(), null).orElseThrow().toString());
        assertTrue(Json.parse("{}").isObject());
    }
}

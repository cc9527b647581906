package com.quiltdata.edp.emit.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The event JSON Schemas kept in common/src/main/resources/schemas, as test assertions. */
public final class EventSchemas {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    public static final Schema PACKAGE_OBJECTS_READY = load("/schemas/package-objects-ready-0.1.schema.json");
    public static final Schema PACKAGE_READY = load("/schemas/package-ready-0.1.schema.json");

    private EventSchemas() {}

    /** Problems found validating the envelope JSON against the schema for its detail-type. */
    public static List<String> problems(String envelopeJson, String detailType) {
        Schema schema = switch (detailType) {
            case "package-objects-ready" -> PACKAGE_OBJECTS_READY;
            case "package-ready" -> PACKAGE_READY;
            default -> throw new IllegalArgumentException("no schema for detail-type " + detailType);
        };
        return schema.validate(envelopeJson, InputFormat.JSON).stream().map(Object::toString).toList();
    }

    public static void assertValid(FakeEventBridge.Entry entry) {
        List<String> problems = problems(entry.envelope().toString(), entry.detailType());
        if (!problems.isEmpty()) {
            fail("event does not match its schema: " + problems + "\n" + entry.envelope());
        }
    }

    public static void assertAllValid(List<FakeEventBridge.Entry> entries) {
        entries.forEach(EventSchemas::assertValid);
    }

    private static Schema load(String resource) {
        try (InputStream in = EventSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " not on the classpath (common's resources)");
            }
            return REGISTRY.getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8), InputFormat.JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

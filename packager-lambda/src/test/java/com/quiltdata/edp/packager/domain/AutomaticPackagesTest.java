package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.quiltdata.edp.testing.SampleEvents;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AutomaticPackagesTest {
    private static final AutomaticPackages PROCESSED = new AutomaticPackages(Optional.of("processed-data"));

    @Test
    void shouldWriteReadyBatchesToTheStacksRegistry() {
        ParsedMessage ready = RequestParser.parse(SampleEvents.load("package-objects-ready"));
        PackageRequest before = ready.request().orElseThrow();
        assertEquals(before.bucket(), before.registry(), "by default a batch is packaged into its own bucket");

        PackageRequest after = PROCESSED.apply(ready).request().orElseThrow();
        assertEquals("processed-data", after.registry());
        assertEquals(withMessage(before.withRegistry("processed-data"), "Created by EDP"), after,
                "only the registry and the default message change");
        assertEquals(withMessage(before, "Created by EDP"), AutomaticPackages.SOURCE_BUCKET.apply(ready).request().orElseThrow());
    }

    private static PackageRequest withMessage(PackageRequest r, String message) {
        return new PackageRequest(r.bucket(), r.folder(), r.sourceUri(), r.registry(), r.name(), r.metadata(), Optional.of(message),
                r.workflow(), r.shouldCopy(), r.batchId(), r.whenEmpty(), r.namedObject());
    }

    @Test
    void shouldGiveReadyBatchesTheStacksMessageWorkflowAndDefaultsAndDescriptionsNone() {
        PackageDefaults defaults = new PackageDefaults(Optional.empty(), java.util.Map.of(PackageDefaults.README, PhysicalKey.of("cfg", "README.md", null)));
        AutomaticPackages stack = new AutomaticPackages(Optional.empty(), Optional.of("nightly run"), Optional.of("alpha"), defaults);
        ParsedMessage ready = RequestParser.parse(SampleEvents.load("package-objects-ready"));
        PackageRequest automatic = stack.apply(ready).request().orElseThrow();
        assertEquals(Optional.of("nightly run"), automatic.message());
        assertEquals(new PackageRequest.WorkflowChoice.Named("alpha"), automatic.workflow());
        assertEquals(defaults, stack.defaultsFor(ready));

        ParsedMessage described = RequestParser.parse("{\"source_prefix\": \"s3://raw/a/\", \"commit_message\": \"mine\"}");
        PackageRequest own = stack.apply(described).request().orElseThrow();
        assertEquals(Optional.of("mine"), own.message());
        assertEquals(new PackageRequest.WorkflowChoice.RegistryDefault(), own.workflow());
        assertEquals(PackageDefaults.NONE, stack.defaultsFor(described));
        assertEquals(Optional.empty(), stack.apply(RequestParser.parse("{\"source_prefix\": \"s3://raw/a/\"}")).request().orElseThrow().message());
    }

    @Test
    void shouldLeaveDescriptionsWhereTheySayTheyGo() {
        ParsedMessage own = RequestParser.parse("{\"source_prefix\": \"s3://raw/lab/run-7/\", \"package_name\": \"lab/run-7\"}");
        assertEquals("raw", PROCESSED.apply(own).request().orElseThrow().registry());
        ParsedMessage elsewhere = RequestParser.parse(
                "{\"source_prefix\": \"s3://raw/lab/run-7/\", \"package_name\": \"lab/run-7\", \"registry\": \"archive\"}");
        assertEquals("archive", PROCESSED.apply(elsewhere).request().orElseThrow().registry());
    }
}

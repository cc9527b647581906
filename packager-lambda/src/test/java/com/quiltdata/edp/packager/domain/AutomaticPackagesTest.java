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
        assertEquals(before.withRegistry("processed-data"), after, "only the registry changes");
        assertEquals(before, AutomaticPackages.SOURCE_BUCKET.apply(ready).request().orElseThrow());
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

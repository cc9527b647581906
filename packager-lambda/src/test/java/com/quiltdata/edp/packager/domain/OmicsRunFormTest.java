package com.quiltdata.edp.packager.domain;

import static com.quiltdata.edp.packager.domain.FormTesting.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OmicsRunFormTest {

    @Test
    void shouldPackageTheOutputFolderOfACompletedRun() {
        ParsedMessage m = OmicsRunForm.parse(object("{\"status\": \"COMPLETED\", \"runOutputUri\": \"s3://out/runs/42\"}"));
        PackageRequest r = m.request().orElseThrow();
        assertEquals("out", r.bucket());
        assertEquals("runs/42/", r.folder());
        assertEquals("s3://out/runs/42", r.sourceUri());
        assertEquals("omics", m.form());
    }

    @Test
    void shouldAskForNothingWhileTheRunIsNotCompleted() {
        ParsedMessage m = OmicsRunForm.parse(object("{\"status\": \"FAILED\", \"runOutputUri\": \"s3://out/runs/42\"}"));
        assertTrue(m.request().isEmpty());
        assertEquals("run status is FAILED, not COMPLETED", m.ignoredBecause());
    }

    @Test
    void shouldRefuseACompletedRunWithoutItsOutput() {
        assertEquals("aws.omics event without runOutputUri",
                assertThrows(InvalidRequestException.class, () -> OmicsRunForm.parse(object("{\"status\": \"COMPLETED\"}"))).getMessage());
    }
}

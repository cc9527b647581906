package com.quiltdata.edp.packager.domain;

import static com.quiltdata.edp.packager.domain.FormTesting.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ObjectsReadyFormTest {

    @Test
    void shouldPackageTheBatchPrefixAsAFolderAndSkipItWhenEmpty() {
        UUID batch = UUID.randomUUID();
        PackageRequest r = ObjectsReadyForm.parse(object(
                "{\"bucket\": \"b\", \"prefix\": \"lab/run-7\", \"batch_id\": \"" + batch + "\"}"));
        assertEquals("lab/run-7/", r.folder());
        assertEquals("s3://b/lab/run-7/", r.sourceUri());
        assertEquals(Optional.of(batch), r.batchId());
        assertEquals(PackageRequest.WhenEmpty.SKIP, r.whenEmpty());
    }

    @Test
    void shouldKnowTheDetailByItsTypeOrItsShape() {
        assertTrue(ObjectsReadyForm.matches("package-objects-ready", object("{}")));
        assertTrue(ObjectsReadyForm.matches("renamed", object("{\"bucket\": \"b\", \"prefix\": \"p/\"}")));
        assertFalse(ObjectsReadyForm.matches("renamed", object("{\"bucket\": \"b\", \"prefix\": \"p/\", \"source_prefix\": \"s3://b/\"}")));
    }

    @Test
    void shouldNameWhatIsWrong() {
        assertEquals("package-objects-ready detail without bucket",
                assertThrows(InvalidRequestException.class, () -> ObjectsReadyForm.parse(object("{\"prefix\": \"p/\"}"))).getMessage());
        assertEquals("batch_id is not a UUID: 42", assertThrows(InvalidRequestException.class,
                () -> ObjectsReadyForm.parse(object("{\"bucket\": \"b\", \"prefix\": \"p/\", \"batch_id\": \"42\"}"))).getMessage());
    }
}

package com.quiltdata.edp.processor.sns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.processor.port.FailureNotifier;
import com.quiltdata.edp.testing.FakeSns;
import org.junit.jupiter.api.Test;

class SnsFailureNotifierTest {

    @Test
    void aFailedAttemptReadsAsProseByEmailAndAsJsonElsewhere() {
        try (FakeSns sns = FakeSns.start()) {
            new SnsFailureNotifier(sns.client(), "arn:aws:sns:us-east-1:111122223333:edp").batchFailed(new FailureNotifier.Failure(
                    "lab-bucket", "lab/run-7/", "b-7", "m-1", "the command exited with 3", "2", 3, "reading a.csv\nno column 'x'"));

            FakeSns.Published notice = sns.published().get(0);
            String email = notice.forProtocol("email");
            assertTrue(email.contains("Batch:    s3://lab-bucket/lab/run-7/"), email);
            assertTrue(email.contains("Reason:   the command exited with 3"), email);
            assertTrue(email.contains("  no column 'x'"), email);
            assertTrue(email.contains("What happens next"), email);
            assertEquals("processor-failed", Json.parse(notice.message()).get("type").asText());
            assertEquals(3, Json.parse(notice.message()).get("exit_code").asInt());
        }
    }
}

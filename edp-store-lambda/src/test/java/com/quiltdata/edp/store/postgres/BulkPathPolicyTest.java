package com.quiltdata.edp.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BulkPathPolicyTest {

    @Test
    void triesUntilAFallbackThenPausesForTheGivenNumberOfBatches() {
        BulkPathPolicy policy = new BulkPathPolicy(3);
        List<Boolean> tries = new ArrayList<>();
        tries.add(policy.shouldTry());
        tries.add(policy.shouldTry());
        policy.fellBack();
        for (int i = 0; i < 5; i++) {
            tries.add(policy.shouldTry());
        }
        assertEquals(List.of(true, true, false, false, false, true, true), tries);
    }

    @Test
    void aFallbackDuringThePauseDoesNotExtendItBeyondOnePause() {
        BulkPathPolicy policy = new BulkPathPolicy(2);
        policy.fellBack();
        policy.shouldTry();
        policy.fellBack();
        assertEquals(List.of(false, false, true), List.of(policy.shouldTry(), policy.shouldTry(), policy.shouldTry()));
    }
}

package com.quiltdata.edp.emit.port;

import com.quiltdata.edp.emit.domain.BatchObject;
import java.util.List;

/** The optional completeness predicate over a batch's recorded objects. Fails closed. */
public interface ReadyFilter {

    /** The expression as configured; a change of expression re-evaluates held batches. */
    String expression();

    Verdict evaluate(List<BatchObject> objects);

    /** {@code ready} only for exactly one output that is {@code true}; otherwise why not. */
    record Verdict(boolean ready, String reason, boolean error) {
        public static final Verdict READY = new Verdict(true, "true", false);

        public static Verdict held(String reason) {
            return new Verdict(false, reason, false);
        }

        public static Verdict failed(String reason) {
            return new Verdict(false, reason, true);
        }
    }
}

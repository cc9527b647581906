package com.quiltdata.edp.processor.port;

import com.quiltdata.edp.processor.domain.ReadyBatch;
import java.util.List;

/** The optional user predicate over the pulled listing that decides whether the command runs. */
public interface ExecutionFilter {
    Verdict evaluate(List<StoredObject> objects, ReadyBatch batch);

    /** Every filter must say run; the first that holds or fails decides. */
    static ExecutionFilter allOf(List<ExecutionFilter> filters) {
        List<ExecutionFilter> all = List.copyOf(filters);
        return (objects, batch) -> {
            for (ExecutionFilter f : all) {
                Verdict v = f.evaluate(objects, batch);
                if (v.kind() != Verdict.Kind.RUN) {
                    return v;
                }
            }
            return Verdict.RUN;
        };
    }

    /** RUN only for a single {@code true}; HOLD for any other result; ERROR when the filter failed. */
    record Verdict(Kind kind, String reason) {
        public enum Kind { RUN, HOLD, ERROR }

        public static final Verdict RUN = new Verdict(Kind.RUN, "true");

        public static Verdict hold(String reason) {
            return new Verdict(Kind.HOLD, reason);
        }

        public static Verdict error(String reason) {
            return new Verdict(Kind.ERROR, reason);
        }
    }
}

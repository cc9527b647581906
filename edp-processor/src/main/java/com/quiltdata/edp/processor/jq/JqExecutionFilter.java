package com.quiltdata.edp.processor.jq;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.jq.JqPredicate;
import com.quiltdata.edp.processor.domain.ReadyBatch;
import com.quiltdata.edp.processor.port.ExecutionFilter;
import com.quiltdata.edp.processor.port.StoredObject;
import java.util.List;
import java.util.Map;

/**
 * EXECUTION_FILTER: a jq expression (jq 1.6 dialect, jackson-jq) whose input is the array of objects
 * listed under the pulled prefix, each {@code {key, size, etag, last_modified, storage_class}} in key
 * order, with the batch's detail bound to {@code $batch}. Fail closed: only exactly one output equal
 * to {@code true} runs the command; {@code false}, {@code null}, any other value, no output or more
 * than one output hold the batch; a runtime error is an error.
 */
public final class JqExecutionFilter implements ExecutionFilter {
    private final JqPredicate predicate;

    private JqExecutionFilter(JqPredicate predicate) {
        this.predicate = predicate;
    }

    /** Compiles the expression; throws {@link IllegalArgumentException} naming the problem. */
    public static JqExecutionFilter compile(String expression) {
        return new JqExecutionFilter(JqPredicate.compile(expression));
    }

    @Override
    public Verdict evaluate(List<StoredObject> objects, ReadyBatch batch) {
        JqPredicate.Answer answer = predicate.ask(input(objects), Map.of("batch", batch.detail()));
        if (answer instanceof JqPredicate.Answer.No no) {
            return Verdict.hold(no.reason());
        }
        if (answer instanceof JqPredicate.Answer.Failed failed) {
            return Verdict.error(failed.message());
        }
        return Verdict.RUN;
    }

    static ArrayNode input(List<StoredObject> objects) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode(objects.size());
        for (StoredObject o : objects) {
            ObjectNode n = array.addObject();
            n.put("key", o.key());
            n.put("size", o.size());
            n.put("etag", o.etag());
            n.put("last_modified", o.lastModified() == null ? null : o.lastModified().toString());
            n.put("storage_class", o.storageClass());
        }
        return array;
    }
}

package com.quiltdata.edp.emit.jq;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.emit.domain.BatchObject;
import com.quiltdata.edp.emit.port.ReadyFilter;
import com.quiltdata.edp.jq.JqPredicate;
import java.util.List;
import java.util.Map;

/**
 * BUCKET_READY_FILTER: a jq expression (jq 1.6 dialect, jackson-jq) over the batch's recorded
 * objects, given as an array of {@code {key, size, etag, version_id, event_time, deleted}} in key
 * order. The batch may fire only when the expression produces exactly one output and it is
 * {@code true}; {@code false}, {@code null}, anything else, no output, several outputs or an error
 * keep it waiting.
 */
public final class JqReadyFilter implements ReadyFilter {
    private final JqPredicate predicate;

    private JqReadyFilter(JqPredicate predicate) {
        this.predicate = predicate;
    }

    /** Compiles the expression; throws {@link IllegalArgumentException} naming the problem. */
    public static JqReadyFilter compile(String expression) {
        return new JqReadyFilter(JqPredicate.compile(expression));
    }

    @Override
    public String expression() {
        return predicate.expression();
    }

    @Override
    public Verdict evaluate(List<BatchObject> objects) {
        JqPredicate.Answer answer = predicate.ask(input(objects), Map.of());
        if (answer instanceof JqPredicate.Answer.No no) {
            return Verdict.held(no.reason());
        }
        if (answer instanceof JqPredicate.Answer.Failed failed) {
            return Verdict.failed("error: " + failed.message());
        }
        return Verdict.READY;
    }

    static ArrayNode input(List<BatchObject> objects) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode(objects.size());
        for (BatchObject o : objects) {
            ObjectNode n = array.addObject();
            n.put("key", o.key());
            if (o.size() == null) {
                n.putNull("size");
            } else {
                n.put("size", o.size());
            }
            n.put("etag", o.etag());
            n.put("version_id", o.versionId());
            n.put("event_time", o.eventTime() == null ? null : o.eventTime().toString());
            n.put("deleted", o.deleted());
        }
        return array;
    }
}

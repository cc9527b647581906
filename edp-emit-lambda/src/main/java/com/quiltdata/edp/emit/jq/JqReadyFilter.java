package com.quiltdata.edp.emit.jq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.emit.domain.BatchObject;
import com.quiltdata.edp.emit.port.ReadyFilter;
import java.util.ArrayList;
import java.util.List;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * BUCKET_READY_FILTER: a jq expression (jq 1.6 dialect, jackson-jq) over the batch's recorded
 * objects, given as an array of {@code {key, size, etag, version_id, event_time, deleted}} in key
 * order. The batch may fire only when the expression produces exactly one output and it is
 * {@code true}; {@code false}, {@code null}, anything else, no output, several outputs or an error
 * keep it waiting.
 */
public final class JqReadyFilter implements ReadyFilter {
    private static final Scope ROOT = rootScope();

    private final String expression;
    private final JsonQuery query;

    private JqReadyFilter(String expression, JsonQuery query) {
        this.expression = expression;
        this.query = query;
    }

    /** Compiles the expression; throws {@link IllegalArgumentException} naming the problem. */
    public static JqReadyFilter compile(String expression) {
        try {
            return new JqReadyFilter(expression, JsonQuery.compile(expression, Versions.JQ_1_6));
        } catch (JsonQueryException | RuntimeException e) {
            throw new IllegalArgumentException("not a valid jq expression: " + e.getMessage(), e);
        }
    }

    @Override
    public String expression() {
        return expression;
    }

    @Override
    public Verdict evaluate(List<BatchObject> objects) {
        List<JsonNode> outputs = new ArrayList<>(2);
        try {
            query.apply(Scope.newChildScope(ROOT), input(objects), out -> {
                outputs.add(out);
                if (outputs.size() > 1) {
                    throw new TooManyOutputs();
                }
            });
        } catch (TooManyOutputs e) {
            return Verdict.held("more than one output");
        } catch (JsonQueryException | RuntimeException | StackOverflowError e) {
            return Verdict.failed("error: " + describe(e));
        }
        if (outputs.isEmpty()) {
            return Verdict.held("no output");
        }
        JsonNode only = outputs.get(0);
        if (only.isBoolean() && only.booleanValue()) {
            return Verdict.READY;
        }
        String text = only.toString();
        return Verdict.held(text.length() > 80 ? text.substring(0, 80) + "…" : text);
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

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static Scope rootScope() {
        Scope scope = Scope.newEmptyScope();
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, scope);
        return scope;
    }

    /** Stops evaluation at the second output: the verdict is already "not ready". */
    private static final class TooManyOutputs extends JsonQueryException {
        TooManyOutputs() {
            super("more than one output");
        }
    }
}

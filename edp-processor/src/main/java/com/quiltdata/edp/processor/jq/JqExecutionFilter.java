package com.quiltdata.edp.processor.jq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.processor.domain.ReadyBatch;
import com.quiltdata.edp.processor.port.ExecutionFilter;
import com.quiltdata.edp.processor.port.StoredObject;
import java.util.ArrayList;
import java.util.List;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * EXECUTION_FILTER: a jq expression (jq 1.6 dialect, jackson-jq) whose input is the array of objects
 * listed under the pulled prefix, each {@code {key, size, etag, last_modified, storage_class}} in key
 * order, with the batch's detail bound to {@code $batch}. Fail closed: only exactly one output equal
 * to {@code true} runs the command; {@code false}, {@code null}, any other value, no output or more
 * than one output hold the batch; a runtime error is an error.
 */
public final class JqExecutionFilter implements ExecutionFilter {
    private static final Scope ROOT = rootScope();

    private final JsonQuery query;

    private JqExecutionFilter(JsonQuery query) {
        this.query = query;
    }

    /** Compiles the expression; throws {@link IllegalArgumentException} naming the problem. */
    public static JqExecutionFilter compile(String expression) {
        try {
            return new JqExecutionFilter(JsonQuery.compile(expression, Versions.JQ_1_6));
        } catch (JsonQueryException | RuntimeException e) {
            throw new IllegalArgumentException("not a valid jq expression: " + e.getMessage(), e);
        }
    }

    @Override
    public Verdict evaluate(List<StoredObject> objects, ReadyBatch batch) {
        List<JsonNode> outputs = new ArrayList<>(2);
        Scope scope = Scope.newChildScope(ROOT);
        scope.setValue("batch", batch.detail());
        try {
            query.apply(scope, input(objects), out -> {
                outputs.add(out);
                if (outputs.size() > 1) {
                    throw new TooManyOutputs();
                }
            });
        } catch (TooManyOutputs e) {
            return Verdict.hold("more than one output");
        } catch (JsonQueryException | RuntimeException | StackOverflowError e) {
            return Verdict.error(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        if (outputs.isEmpty()) {
            return Verdict.hold("no output");
        }
        JsonNode only = outputs.get(0);
        if (only.isBoolean() && only.booleanValue()) {
            return Verdict.RUN;
        }
        String text = only.toString();
        return Verdict.hold(text.length() > 80 ? text.substring(0, 80) + "…" : text);
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

    private static Scope rootScope() {
        Scope scope = Scope.newEmptyScope();
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, scope);
        return scope;
    }

    /** Stops evaluation at the second output: the verdict is already "hold". */
    private static final class TooManyOutputs extends JsonQueryException {
        TooManyOutputs() {
            super("more than one output");
        }
    }
}

package com.quiltdata.edp.jq;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * A jq expression (jq 1.6 dialect, jackson-jq) asked as a yes/no question, failing closed: the
 * answer is yes only when the expression produces exactly one output and it is {@code true}.
 * {@code false}, {@code null}, any other value, no output or several outputs are a no with the
 * reason; a runtime error is its own answer. The emit Lambda's ready filter and the processor's
 * execution filter both ask their questions through this class.
 *
 * jackson-jq is an optional dependency of common: modules that use this class declare it.
 */
public final class JqPredicate {
    private static final Scope ROOT = rootScope();
    private static final int MAX_SHOWN = 80;

    /** What the expression said. */
    public sealed interface Answer {
        record Yes() implements Answer {}

        /** Anything but a single {@code true}; the reason names what came out. */
        record No(String reason) implements Answer {}

        /** The expression failed at run time. */
        record Failed(String message) implements Answer {}
    }

    private final String expression;
    private final JsonQuery query;

    private JqPredicate(String expression, JsonQuery query) {
        this.expression = expression;
        this.query = query;
    }

    /** Compiles the expression; throws {@link IllegalArgumentException} naming the problem. */
    public static JqPredicate compile(String expression) {
        try {
            return new JqPredicate(expression, JsonQuery.compile(expression, Versions.JQ_1_6));
        } catch (JsonQueryException | RuntimeException e) {
            throw new IllegalArgumentException("not a valid jq expression: " + e.getMessage(), e);
        }
    }

    public String expression() {
        return expression;
    }

    /** Runs the expression on {@code input}, with each of {@code variables} bound as {@code $name}. */
    public Answer ask(JsonNode input, Map<String, JsonNode> variables) {
        Scope scope = Scope.newChildScope(ROOT);
        variables.forEach(scope::setValue);
        List<JsonNode> outputs = new ArrayList<>(2);
        try {
            query.apply(scope, input, out -> {
                outputs.add(out);
                if (outputs.size() > 1) {
                    throw new TooManyOutputs();
                }
            });
        } catch (TooManyOutputs e) {
            return new Answer.No("more than one output");
        } catch (JsonQueryException | RuntimeException | StackOverflowError e) {
            return new Answer.Failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        if (outputs.isEmpty()) {
            return new Answer.No("no output");
        }
        JsonNode only = outputs.get(0);
        if (only.isBoolean() && only.booleanValue()) {
            return new Answer.Yes();
        }
        String text = only.toString();
        return new Answer.No(text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "…" : text);
    }

    private static Scope rootScope() {
        Scope scope = Scope.newEmptyScope();
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, scope);
        return scope;
    }

    /** Stops evaluation at the second output: the answer is already no. */
    private static final class TooManyOutputs extends JsonQueryException {
        TooManyOutputs() {
            super("more than one output");
        }
    }
}

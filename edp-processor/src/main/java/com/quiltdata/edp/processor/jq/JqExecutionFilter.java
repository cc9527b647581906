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
 * listed under the pulled prefix, in key order, with the batch's detail bound to {@code $batch}. Each
 * object is {@code {key, size, etag, last_modified, storage_class}} ({@link InputShape#EDP}) or, for
 * filters written for s3-event-bridge, S3's own Object shape {@code {Key, Size, ETag, LastModified,
 * StorageClass}} ({@link InputShape#S3_OBJECTS}). Fail closed: only exactly one output equal to
 * {@code true} runs the command; {@code false}, {@code null}, any other value, no output or more than
 * one output hold the batch; a runtime error is an error.
 */
public final class JqExecutionFilter implements ExecutionFilter {
    /** How each listed object is presented to the expression. */
    public enum InputShape {
        /** {@code {key, size, etag, last_modified, storage_class}} */
        EDP,
        /** S3's Object API names, as s3-event-bridge passes them: {@code {Key, Size, ETag, LastModified, StorageClass}} */
        S3_OBJECTS
    }

    private final JqPredicate predicate;
    private final InputShape shape;

    private JqExecutionFilter(JqPredicate predicate, InputShape shape) {
        this.predicate = predicate;
        this.shape = shape;
    }

    /** Compiles the expression; throws {@link IllegalArgumentException} naming the problem. */
    public static JqExecutionFilter compile(String expression) {
        return compile(expression, InputShape.EDP);
    }

    public static JqExecutionFilter compile(String expression, InputShape shape) {
        return new JqExecutionFilter(JqPredicate.compile(expression), shape);
    }

    public InputShape shape() {
        return shape;
    }

    @Override
    public Verdict evaluate(List<StoredObject> objects, ReadyBatch batch) {
        ArrayNode input = shape == InputShape.EDP ? input(objects) : s3Objects(objects);
        JqPredicate.Answer answer = predicate.ask(input, Map.of("batch", batch.detail()));
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

    /** S3's Object shape: an ETag in quotes as S3 returns it, LastModified in ISO-8601. */
    static ArrayNode s3Objects(List<StoredObject> objects) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode(objects.size());
        for (StoredObject o : objects) {
            ObjectNode n = array.addObject();
            n.put("Key", o.key());
            n.put("Size", o.size());
            n.put("ETag", o.etag() == null || o.etag().startsWith("\"") ? o.etag() : "\"" + o.etag() + "\"");
            n.put("LastModified", o.lastModified() == null ? null : o.lastModified().toString());
            n.put("StorageClass", o.storageClass());
        }
        return array;
    }
}

package com.quiltdata.edp.processor.domain;

import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.processor.port.ExecutionFilter;
import com.quiltdata.edp.processor.port.StoredObject;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * MATCH_KEY, as s3-event-bridge defines it: a regex of the keys that cause a run, found anywhere in
 * the key. A ready batch is one trigger for many keys, so it runs when at least one listed key
 * matches, and is held otherwise.
 */
public final class TriggerKey implements ExecutionFilter {
    private final Pattern pattern;

    private TriggerKey(Pattern pattern) {
        this.pattern = pattern;
    }

    /** Throws {@link IllegalArgumentException} naming the problem when the regex does not compile. */
    public static TriggerKey parse(String regex) {
        try {
            return new TriggerKey(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(Bounded.quoted(regex) + " is not a valid regex: " + e.getDescription());
        }
    }

    @Override
    public Verdict evaluate(List<StoredObject> objects, ReadyBatch batch) {
        for (StoredObject o : objects) {
            if (pattern.matcher(o.key()).find()) {
                return Verdict.RUN;
            }
        }
        return Verdict.hold("no listed key matches MATCH_KEY " + pattern.pattern());
    }

}

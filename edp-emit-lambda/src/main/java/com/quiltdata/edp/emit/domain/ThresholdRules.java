package com.quiltdata.edp.emit.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The readiness rules of every batch: the stack's defaults, overridden per bucket or per key prefix
 * by the scopes of the rules file (ADR 0313). A batch takes the rules of the most specific scope
 * that contains it (its bucket, and the longest scope prefix its own prefix starts with), else the
 * defaults.
 *
 * <p>For the due query the distinct rules are numbered: group 0 is the defaults, every other
 * distinct set of rules has a group of its own, and each scope names its group. The emit tick runs
 * the due query once per group, over the batches whose most specific scope is in that group.
 */
public final class ThresholdRules {
    private final ReadinessRules defaults;
    private final List<Scope> scopes;
    private final List<ReadinessRules> groups;
    private final List<Integer> groupOfScope;

    public ThresholdRules(ReadinessRules defaults, List<Scope> scopes) {
        this.defaults = defaults;
        this.scopes = List.copyOf(scopes);
        Map<ReadinessRules, Integer> numbered = new LinkedHashMap<>();
        numbered.put(defaults, 0);
        List<Integer> groupOf = new ArrayList<>();
        for (Scope scope : this.scopes) {
            groupOf.add(numbered.computeIfAbsent(scope.rules(), r -> numbered.size()));
        }
        this.groups = List.copyOf(numbered.keySet());
        this.groupOfScope = List.copyOf(groupOf);
    }

    /** The stack's parameters alone: no rules file, or none read yet. */
    public static ThresholdRules defaultsOnly(ReadinessRules defaults) {
        return new ThresholdRules(defaults, List.of());
    }

    public ReadinessRules defaults() {
        return defaults;
    }

    public List<Scope> scopes() {
        return scopes;
    }

    /** The rules of the batch of {@code prefix} in {@code bucket}. */
    public ReadinessRules rulesFor(String bucket, String prefix) {
        return mostSpecific(bucket, prefix).map(Scope::rules).orElse(defaults);
    }

    /** The distinct rules, group 0 being the defaults. */
    public List<ReadinessRules> groups() {
        return groups;
    }

    /** What the due query needs to select the batches of one group. */
    public ScopeSelection selection(int group) {
        if (group < 0 || group >= groups.size()) {
            throw new IllegalArgumentException("no rule group " + group + " (there are " + groups.size() + ")");
        }
        return new ScopeSelection(scopes.stream().map(Scope::bucket).toList(), scopes.stream().map(Scope::prefix).toList(),
                groupOfScope, group);
    }

    private Optional<Scope> mostSpecific(String bucket, String prefix) {
        Scope best = null;
        for (Scope scope : scopes) {
            if (scope.bucket().equals(bucket) && prefix.startsWith(scope.prefix())
                    && (best == null || scope.prefix().length() > best.prefix().length())) {
                best = scope;
            }
        }
        return Optional.ofNullable(best);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ThresholdRules other && defaults.equals(other.defaults) && scopes.equals(other.scopes);
    }

    @Override
    public int hashCode() {
        return defaults.hashCode() * 31 + scopes.hashCode();
    }

    @Override
    public String toString() {
        return "ThresholdRules[defaults=" + defaults + ", scopes=" + scopes + "]";
    }

    /**
     * One entry of the rules file: a bucket, a key prefix within it ("" = the whole bucket) and the
     * rules of its batches; {@code line} is where the entry starts in the file, for messages.
     */
    public record Scope(String bucket, String prefix, ReadinessRules rules, int line) {
        public Scope {
            if (bucket.isEmpty()) {
                throw new IllegalArgumentException("a scope needs a bucket");
            }
        }
    }

    /**
     * The scope table as parallel lists (bucket, prefix, group of each scope) and the group wanted:
     * a batch belongs to the group of its most specific scope, or to group 0 when none contains it.
     */
    public record ScopeSelection(List<String> buckets, List<String> prefixes, List<Integer> groups, int group) {
        public ScopeSelection {
            buckets = List.copyOf(buckets);
            prefixes = List.copyOf(prefixes);
            groups = List.copyOf(groups);
            if (buckets.size() != prefixes.size() || buckets.size() != groups.size()) {
                throw new IllegalArgumentException("the scope table's columns differ in length");
            }
        }

        /** True when every batch is in the wanted group (no scopes, and the defaults wanted). */
        public boolean selectsEverything() {
            return buckets.isEmpty() && group == 0;
        }
    }
}

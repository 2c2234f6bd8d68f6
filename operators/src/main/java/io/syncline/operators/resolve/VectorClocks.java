package io.syncline.operators.resolve;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Comparison and merge of version vectors (per source, the changes of an entity seen). */
public final class VectorClocks {

    /** How one clock relates to another. */
    public enum Order {
        /** Both have seen the same changes. */
        EQUAL,
        /** The first has seen everything the second has, and more. */
        AFTER,
        /** The second has seen everything the first has, and more. */
        BEFORE,
        /** Each has seen a change the other has not. */
        CONCURRENT
    }

    private VectorClocks() {}

    /** How {@code a} relates to {@code b}; a missing entry counts as 0. */
    public static Order compare(Map<String, Long> a, Map<String, Long> b) {
        boolean aAhead = false;
        boolean bAhead = false;
        Set<String> sources = new HashSet<>(a.keySet());
        sources.addAll(b.keySet());
        for (String source : sources) {
            long left = a.getOrDefault(source, 0L);
            long right = b.getOrDefault(source, 0L);
            aAhead |= left > right;
            bAhead |= right > left;
        }
        if (aAhead && bAhead) {
            return Order.CONCURRENT;
        }
        return aAhead ? Order.AFTER : bAhead ? Order.BEFORE : Order.EQUAL;
    }

    /** The entry-wise maximum: a clock that has seen what both have. */
    public static Map<String, Long> merge(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> merged = new HashMap<>(a);
        b.forEach((source, count) -> merged.merge(source, count, Math::max));
        return merged;
    }
}

package io.syncline.jobs.reconcile;

import java.util.List;
import java.util.Objects;

/**
 * One row on which source and target disagree.
 *
 * @param key the key column values as text
 * @param columns for {@link Kind#DIFFERING}, the compared columns whose values differ, in column
 *     order; empty otherwise
 */
public record Difference(List<String> key, Kind kind, List<String> columns) {

    /** How a row differs. */
    public enum Kind {
        /** In the source, not (or only as a tombstone) in the target. */
        MISSING,
        /** Live in the target, not in the source. */
        EXTRA,
        /** In both, with different values. */
        DIFFERING;

        /** The kind as reports name it, e.g. {@code missing}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Difference {
        key = List.copyOf(key);
        Objects.requireNonNull(kind, "kind");
        columns = List.copyOf(columns);
    }

    /** The entity id as Syncline writes it: the key values joined by '/'. */
    public String entityId() {
        return String.join("/", key);
    }
}

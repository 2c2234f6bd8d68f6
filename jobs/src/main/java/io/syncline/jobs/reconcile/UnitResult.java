package io.syncline.jobs.reconcile;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of comparing one tenant's entity type.
 *
 * @param sourceRows rows in the source
 * @param targetRows live rows in the target
 * @param differences the differences that persisted, by kind and entity id
 */
public record UnitResult(
        String tenant,
        String entityType,
        long sourceRows,
        long targetRows,
        List<Difference> differences) {

    public UnitResult {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(entityType, "entityType");
        differences = List.copyOf(differences);
    }

    public long missing() {
        return count(Difference.Kind.MISSING);
    }

    public long extra() {
        return count(Difference.Kind.EXTRA);
    }

    public long differing() {
        return count(Difference.Kind.DIFFERING);
    }

    /** Rows compared: every key on either side. */
    public long comparedRows() {
        return sourceRows + extra();
    }

    /** Rows equal on both sides. */
    public long equalRows() {
        return sourceRows - missing() - differing();
    }

    /** Equal rows over compared rows; null when neither side holds a row. */
    public Double consistency() {
        long compared = comparedRows();
        return compared == 0 ? null : (double) equalRows() / compared;
    }

    private long count(Difference.Kind kind) {
        return differences.stream().filter(d -> d.kind() == kind).count();
    }
}

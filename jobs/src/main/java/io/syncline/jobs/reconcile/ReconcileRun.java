package io.syncline.jobs.reconcile;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One reconciliation of every selected tenant and entity type.
 *
 * @param hashedRows rows of both sides hashed in first-level ranges (each row once)
 * @param rehashedRows rows hashed again while splitting differing ranges
 */
public record ReconcileRun(
        String runId,
        Instant startedAt,
        Instant finishedAt,
        List<UnitResult> units,
        long hashedRows,
        long rehashedRows) {

    public ReconcileRun {
        Objects.requireNonNull(runId, "runId");
        units = List.copyOf(units);
    }

    /** Differences over all tenants and entity types. */
    public long differences() {
        return units.stream().mapToLong(u -> u.differences().size()).sum();
    }
}

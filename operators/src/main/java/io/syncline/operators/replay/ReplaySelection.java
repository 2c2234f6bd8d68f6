package io.syncline.operators.replay;

import io.syncline.schema.ChangeEvent;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * Which stored events a replay applies: those of one entity type, committed at their source within
 * a time window (both ends included), of one tenant or of every tenant. The window is in source
 * commit time, as the event store stamps its records.
 *
 * @param from the earliest commit time, {@code null} for the beginning of the event store
 * @param to the latest commit time: a replay up to {@code to} gives the state as of {@code to}
 * @param tenant the tenant, {@code null} for every tenant
 * @param entityType the entity type
 */
public record ReplaySelection(Instant from, Instant to, String tenant, String entityType)
        implements Serializable {

    public ReplaySelection {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(entityType, "entityType");
        if (from != null && from.isAfter(to)) {
            throw new IllegalArgumentException(
                    "the window starts at " + from + ", after its end " + to);
        }
    }

    /** Whether the replay applies {@code change}. */
    public boolean selects(ChangeEvent change) {
        Instant committed = change.getSourceCommitTime();
        return change.getEntityType().equals(entityType)
                && (tenant == null || change.getTenant().equals(tenant))
                && (from == null || !committed.isBefore(from))
                && !committed.isAfter(to);
    }

    /** Whether every event up to {@code to} is applied: the window starts at the beginning. */
    public boolean asOf() {
        return from == null;
    }
}

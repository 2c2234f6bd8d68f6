package io.syncline.jobs.report;

import java.util.List;
import java.util.Objects;

/**
 * The day of one tenant's entity type: its windows in time order and their summary.
 *
 * @param windows the windows that started on the day, by start, end and kind
 */
public record EntityReport(
        String tenant, String entityType, EntitySummary summary, List<QualityWindow> windows) {

    public EntityReport {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(entityType, "entityType");
        Objects.requireNonNull(summary, "summary");
        windows = List.copyOf(windows);
    }

    /** {@code tenant/entityType}, as the command line prints it. */
    public String name() {
        return tenant + "/" + entityType;
    }
}

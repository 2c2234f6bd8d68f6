package io.syncline.jobs.report;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of the alerts table, as the report lists it.
 *
 * @param tenant the tenant the alert is of; null for an alert of a source
 * @param entityType likewise
 * @param sourceId the source an alert of source lag is of; null otherwise
 * @param resolvedAt when its condition cleared; null while it is firing
 */
public record ReportAlert(
        String alertId,
        String condition,
        String kind,
        String severity,
        String status,
        String tenant,
        String entityType,
        String sourceId,
        String metric,
        double value,
        double threshold,
        String message,
        Instant firedAt,
        Instant resolvedAt) {

    public ReportAlert {
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(firedAt, "firedAt");
    }
}

package io.syncline.operators.alert;

import io.syncline.schema.AlertSeverity;
import java.util.Objects;

/**
 * One watched condition as one evaluation found it: breached or clear, with the value and the
 * threshold it was held to. {@link AlertStateMachine} turns a change between the two into an alert.
 *
 * @param id what is watched, stable across evaluations, e.g. {@code quality/accuracy/t2/customer}
 * @param kind quality, latency, error-rate, critical-error, source-lag or source-stalled
 * @param severity the severity of an alert of this condition
 * @param breached whether the value is on the wrong side of the threshold
 * @param tenant the tenant measured, null for a source
 * @param entityType the entity type measured, null for a source
 * @param sourceId the source measured, null for a tenant's entity type
 * @param metric the measure compared, e.g. accuracy or lag_millis
 * @param value the measured value
 * @param threshold the limit it was compared with
 * @param message what was measured against which threshold, and where to look when it is breached
 */
public record Condition(
        String id,
        String kind,
        AlertSeverity severity,
        boolean breached,
        String tenant,
        String entityType,
        String sourceId,
        String metric,
        double value,
        double threshold,
        String message) {

    public Condition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(message, "message");
    }
}

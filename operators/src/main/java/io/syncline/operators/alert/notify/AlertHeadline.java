package io.syncline.operators.alert.notify;

import io.syncline.operators.alert.AlertValues;
import io.syncline.schema.Alert;
import io.syncline.schema.AlertStatus;

/**
 * The one line every channel leads with, e.g. {@code [Syncline WARNING]
 * quality/accuracy/t2/customer: 90.0 % (threshold 99.0 %)}: the state, what is watched and how it
 * stands.
 */
public final class AlertHeadline {

    private AlertHeadline() {}

    /** CRITICAL or WARNING for a firing alert, RESOLVED for a resolved one. */
    public static String label(Alert alert) {
        return alert.getStatus() == AlertStatus.RESOLVED
                ? AlertStatus.RESOLVED.name()
                : alert.getSeverity().name();
    }

    /** {@code [Syncline LABEL] condition: value (threshold threshold)}. */
    public static String of(Alert alert) {
        return "[Syncline "
                + label(alert)
                + "] "
                + alert.getCondition()
                + ": "
                + AlertValues.format(alert.getMetric(), alert.getValue())
                + " (threshold "
                + AlertValues.format(alert.getMetric(), alert.getThreshold())
                + ")";
    }
}

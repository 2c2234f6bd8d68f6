package io.syncline.operators.alert.notify;

import io.syncline.schema.Alert;
import io.syncline.schema.AlertSeverity;
import io.syncline.schema.AlertStatus;
import java.time.Instant;

/** Alerts as the alert stage raises them, for the notifier tests. */
final class SampleAlerts {

    static final Instant FIRED_AT = Instant.parse("2024-05-01T10:01:00Z");
    static final Instant RESOLVED_AT = Instant.parse("2024-05-01T10:05:00Z");

    private SampleAlerts() {}

    /** Accuracy of t2's customers too low: a warning. */
    static Alert accuracyWarning() {
        return Alert.newBuilder()
                .setAlertId("quality/accuracy/t2/customer@" + FIRED_AT.toEpochMilli())
                .setCondition("quality/accuracy/t2/customer")
                .setSeverity(AlertSeverity.WARNING)
                .setStatus(AlertStatus.FIRING)
                .setKind("quality")
                .setTenant("t2")
                .setEntityType("customer")
                .setMetric("accuracy")
                .setValue(0.9)
                .setThreshold(0.99)
                .setMessage(
                        "accuracy of customer for tenant t2 is 90.0 % (threshold 99.0 %) in window"
                                + " 10:00:00–10:01:00 UTC; see syncline errors list --tenant t2")
                .setFiredAt(FIRED_AT)
                .setTime(FIRED_AT)
                .build();
    }

    /** Source crm stalled: critical, and about a source rather than a tenant. */
    static Alert sourceStalled() {
        return Alert.newBuilder()
                .setAlertId("source-stalled/crm@" + FIRED_AT.toEpochMilli())
                .setCondition("source-stalled/crm")
                .setSeverity(AlertSeverity.CRITICAL)
                .setStatus(AlertStatus.FIRING)
                .setKind("source-stalled")
                .setSourceId("crm")
                .setMetric("lag_millis")
                .setValue(390_000)
                .setThreshold(300_000)
                .setMessage(
                        "source crm is 6.5 min behind at 10:01:00 UTC (threshold 5 min), last"
                                + " heartbeat committed at 09:54:30 UTC: the source is stalled or"
                                + " unreachable; check that its database is up and its"
                                + " replication slot is active")
                .setFiredAt(FIRED_AT)
                .setTime(FIRED_AT)
                .build();
    }

    /** {@code alert} resolved at {@link #RESOLVED_AT} with {@code value} and {@code message}. */
    static Alert resolved(Alert alert, double value, String message) {
        return Alert.newBuilder(alert)
                .setStatus(AlertStatus.RESOLVED)
                .setValue(value)
                .setMessage(message)
                .setTime(RESOLVED_AT)
                .build();
    }

    /** {@code alert} with another id, as another condition's firing would have. */
    static Alert withId(Alert alert, String alertId) {
        return Alert.newBuilder(alert).setAlertId(alertId).build();
    }
}

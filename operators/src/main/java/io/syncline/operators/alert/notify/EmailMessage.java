package io.syncline.operators.alert.notify;

import io.syncline.operators.alert.AlertValues;
import io.syncline.schema.Alert;
import io.syncline.schema.AlertStatus;

/**
 * An alert as a plain-text email: the headline as subject ({@code [Syncline CRITICAL] …}, {@code
 * [Syncline RESOLVED] …}), the message and the facts as body.
 *
 * @param subject the subject line
 * @param body the plain-text body
 */
public record EmailMessage(String subject, String body) {

    /** The email for {@code alert}. */
    public static EmailMessage of(Alert alert) {
        StringBuilder body = new StringBuilder();
        body.append(alert.getMessage()).append("\n\n");
        line(body, "Status", alert.getStatus().name());
        line(body, "Severity", alert.getSeverity().name());
        line(body, "Condition", alert.getCondition());
        line(body, "Tenant", alert.getTenant());
        line(body, "Entity type", alert.getEntityType());
        line(body, "Source", alert.getSourceId());
        line(body, "Metric", alert.getMetric());
        line(body, "Value", AlertValues.format(alert.getMetric(), alert.getValue()));
        line(body, "Threshold", AlertValues.format(alert.getMetric(), alert.getThreshold()));
        line(body, "Fired at", alert.getFiredAt().toString());
        if (alert.getStatus() == AlertStatus.RESOLVED) {
            line(body, "Resolved at", alert.getTime().toString());
        }
        line(body, "Alert id", alert.getAlertId());
        return new EmailMessage(AlertHeadline.of(alert), body.toString());
    }

    private static void line(StringBuilder body, String name, String value) {
        if (value != null) {
            body.append(String.format("%-12s %s\n", name + ":", value));
        }
    }
}

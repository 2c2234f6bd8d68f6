package io.syncline.operators.alert.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncline.operators.alert.AlertValues;
import io.syncline.schema.Alert;
import io.syncline.schema.AlertSeverity;
import io.syncline.schema.AlertStatus;

/**
 * An alert as a Slack incoming-webhook message: the headline as text, and an attachment coloured by
 * state (red critical, amber warning, green resolved) with the message and the facts as fields.
 */
public final class SlackMessage {

    private SlackMessage() {}

    /** The webhook's JSON body for {@code alert}. */
    public static String json(Alert alert) {
        ObjectNode message = JsonText.NODES.objectNode();
        message.put("text", AlertHeadline.of(alert));
        ArrayNode attachments = message.putArray("attachments");
        ObjectNode attachment = attachments.addObject();
        attachment.put("color", color(alert));
        attachment.put("fallback", AlertHeadline.of(alert));
        attachment.put("text", alert.getMessage());
        ArrayNode fields = attachment.putArray("fields");
        field(fields, "Tenant", alert.getTenant());
        field(fields, "Entity type", alert.getEntityType());
        field(fields, "Source", alert.getSourceId());
        field(fields, "Metric", alert.getMetric());
        field(fields, "Value", AlertValues.format(alert.getMetric(), alert.getValue()));
        field(fields, "Threshold", AlertValues.format(alert.getMetric(), alert.getThreshold()));
        attachment.put("footer", "alert " + alert.getAlertId());
        attachment.put("ts", alert.getTime().getEpochSecond());
        return JsonText.write(message);
    }

    /** Slack's own colour names: danger is red, warning amber, good green. */
    static String color(Alert alert) {
        if (alert.getStatus() == AlertStatus.RESOLVED) {
            return "good";
        }
        return alert.getSeverity() == AlertSeverity.CRITICAL ? "danger" : "warning";
    }

    private static void field(ArrayNode fields, String title, String value) {
        if (value != null) {
            ObjectNode field = fields.addObject();
            field.put("title", title);
            field.put("value", value);
            field.put("short", true);
        }
    }
}

package io.syncline.operators.alert.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncline.operators.alert.AlertValues;
import io.syncline.schema.Alert;
import io.syncline.schema.AlertStatus;
import java.util.Locale;

/**
 * An alert as a PagerDuty Events API v2 event: a FIRING triggers an incident, its RESOLVED resolves
 * it; the alert id is the dedup key, so a redelivered alert does not page twice.
 */
public final class PagerDutyEvent {

    /** The longest summary PagerDuty accepts. */
    public static final int MAX_SUMMARY = 1024;

    private PagerDutyEvent() {}

    /** The event's JSON body for {@code alert}, sent with {@code routingKey}. */
    public static String json(Alert alert, String routingKey) {
        ObjectNode event = JsonText.NODES.objectNode();
        event.put("routing_key", routingKey);
        boolean resolved = alert.getStatus() == AlertStatus.RESOLVED;
        event.put("event_action", resolved ? "resolve" : "trigger");
        event.put("dedup_key", alert.getAlertId());
        // PagerDuty reads the payload of a trigger only; a resolve needs the dedup key alone.
        if (!resolved) {
            ObjectNode payload = event.putObject("payload");
            payload.put("summary", truncate(alert.getMessage(), MAX_SUMMARY));
            payload.put("source", "syncline");
            payload.put("severity", alert.getSeverity().name().toLowerCase(Locale.ROOT));
            JsonText.putIfPresent(payload, "component", alert.getEntityType());
            JsonText.putIfPresent(payload, "group", alert.getTenant());
            payload.put("class", alert.getKind());
            payload.put("timestamp", alert.getTime().toString());
            ObjectNode details = payload.putObject("custom_details");
            details.put("condition", alert.getCondition());
            details.put("metric", alert.getMetric());
            details.put("value", AlertValues.format(alert.getMetric(), alert.getValue()));
            details.put("threshold", AlertValues.format(alert.getMetric(), alert.getThreshold()));
            JsonText.putIfPresent(details, "source_id", alert.getSourceId());
            details.put("fired_at", alert.getFiredAt().toString());
        }
        return JsonText.write(event);
    }

    static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        return text.substring(0, max - 1) + "…";
    }
}

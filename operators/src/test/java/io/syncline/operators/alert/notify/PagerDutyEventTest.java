package io.syncline.operators.alert.notify;

import static io.syncline.operators.alert.notify.SampleAlerts.accuracyWarning;
import static io.syncline.operators.alert.notify.SampleAlerts.resolved;
import static io.syncline.operators.alert.notify.SampleAlerts.sourceStalled;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.schema.Alert;
import org.junit.jupiter.api.Test;

class PagerDutyEventTest {

    @Test
    void aFiringAlertTriggersAnIncidentDedupedByTheAlertId() {
        String json = PagerDutyEvent.json(sourceStalled(), "routing-key-1");

        assertThat(Json.parse(json))
                .isEqualTo(
                        Json.parse(
                                """
                                {"routing_key": "routing-key-1",
                                 "event_action": "trigger",
                                 "dedup_key": "source-stalled/crm@1714557660000",
                                 "payload": {
                                   "summary": "source crm is 6.5 min behind at 10:01:00 UTC (threshold 5 min), last heartbeat committed at 09:54:30 UTC: the source is stalled or unreachable; check that its database is up and its replication slot is active",
                                   "source": "syncline",
                                   "severity": "critical",
                                   "class": "source-stalled",
                                   "timestamp": "2024-05-01T10:01:00Z",
                                   "custom_details": {
                                     "condition": "source-stalled/crm",
                                     "metric": "lag_millis",
                                     "value": "6.5 min",
                                     "threshold": "5 min",
                                     "source_id": "crm",
                                     "fired_at": "2024-05-01T10:01:00Z"}}}
                                """));
    }

    @Test
    void aTenantsAlertNamesItsEntityTypeAsComponentAndItsTenantAsGroup() {
        String json = PagerDutyEvent.json(accuracyWarning(), "key");

        assertThat(Json.parse(json).get("payload").get("severity").asText()).isEqualTo("warning");
        assertThat(Json.parse(json).get("payload").get("component").asText()).isEqualTo("customer");
        assertThat(Json.parse(json).get("payload").get("group").asText()).isEqualTo("t2");
        assertThat(Json.parse(json).get("payload").get("class").asText()).isEqualTo("quality");
    }

    @Test
    void aResolvedAlertResolvesTheIncidentOfItsFiring() {
        String json =
                PagerDutyEvent.json(
                        resolved(sourceStalled(), 1_200, "source crm is 1.2 s behind"), "key");

        assertThat(Json.parse(json))
                .isEqualTo(
                        Json.parse(
                                """
                                {"routing_key": "key",
                                 "event_action": "resolve",
                                 "dedup_key": "source-stalled/crm@1714557660000"}
                                """));
    }

    @Test
    void theSummaryIsCutToWhatPagerDutyAccepts() {
        Alert alert = Alert.newBuilder(sourceStalled()).setMessage("x".repeat(2_000)).build();

        String summary =
                Json.parse(PagerDutyEvent.json(alert, "key")).at("/payload/summary").asText();

        assertThat(summary).hasSize(1024).endsWith("x…");
    }
}

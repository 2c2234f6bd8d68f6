package io.syncline.operators.alert.notify;

import static io.syncline.operators.alert.notify.SampleAlerts.accuracyWarning;
import static io.syncline.operators.alert.notify.SampleAlerts.resolved;
import static io.syncline.operators.alert.notify.SampleAlerts.sourceStalled;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlackMessageTest {

    @Test
    void aWarningCarriesTheHeadlineAnAmberAttachmentAndTheFacts() {
        String json = SlackMessage.json(accuracyWarning());

        assertThat(Json.parse(json))
                .isEqualTo(
                        Json.parse(
                                """
                                {"text": "[Syncline WARNING] quality/accuracy/t2/customer: 90.0 % (threshold 99.0 %)",
                                 "attachments": [{
                                   "color": "warning",
                                   "fallback": "[Syncline WARNING] quality/accuracy/t2/customer: 90.0 % (threshold 99.0 %)",
                                   "text": "accuracy of customer for tenant t2 is 90.0 % (threshold 99.0 %) in window 10:00:00–10:01:00 UTC; see syncline errors list --tenant t2",
                                   "fields": [
                                     {"title": "Tenant", "value": "t2", "short": true},
                                     {"title": "Entity type", "value": "customer", "short": true},
                                     {"title": "Metric", "value": "accuracy", "short": true},
                                     {"title": "Value", "value": "90.0 %", "short": true},
                                     {"title": "Threshold", "value": "99.0 %", "short": true}],
                                   "footer": "alert quality/accuracy/t2/customer@1714557660000",
                                   "ts": 1714557660}]}
                                """));
    }

    @Test
    void aCriticalAlertIsRedAndASourceAlertNamesItsSource() {
        String json = SlackMessage.json(sourceStalled());

        assertThat(Json.parse(json).get("text").asText())
                .isEqualTo("[Syncline CRITICAL] source-stalled/crm: 6.5 min (threshold 5 min)");
        assertThat(Json.parse(json).at("/attachments/0/color").asText()).isEqualTo("danger");
        assertThat(Json.parse(json).at("/attachments/0/fields"))
                .isEqualTo(
                        Json.parse(
                                """
                                [{"title": "Source", "value": "crm", "short": true},
                                 {"title": "Metric", "value": "lag_millis", "short": true},
                                 {"title": "Value", "value": "6.5 min", "short": true},
                                 {"title": "Threshold", "value": "5 min", "short": true}]
                                """));
    }

    @Test
    void aResolvedAlertIsGreenAndSaysSo() {
        String json =
                SlackMessage.json(resolved(sourceStalled(), 1_200, "source crm is 1.2 s behind"));

        assertThat(Json.parse(json).get("text").asText())
                .isEqualTo("[Syncline RESOLVED] source-stalled/crm: 1.2 s (threshold 5 min)");
        assertThat(Json.parse(json).at("/attachments/0/color").asText()).isEqualTo("good");
        assertThat(Json.parse(json).at("/attachments/0/ts").asLong())
                .isEqualTo(SampleAlerts.RESOLVED_AT.getEpochSecond());
    }
}

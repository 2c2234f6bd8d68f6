package io.syncline.operators.alert.notify;

import static io.syncline.operators.alert.notify.SampleAlerts.accuracyWarning;
import static io.syncline.operators.alert.notify.SampleAlerts.resolved;
import static io.syncline.operators.alert.notify.SampleAlerts.sourceStalled;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.schema.Alert;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmsMessageTest {

    @Test
    void theGatewayGetsTheNumbersAndOneTextMessage() {
        Alert alert =
                Alert.newBuilder(sourceStalled())
                        .setMessage("source crm is 6.5 min behind (threshold 5 min)")
                        .build();

        String json = SmsMessage.json(alert, List.of("+4915112345678", "+4915187654321"));

        assertThat(Json.parse(json))
                .isEqualTo(
                        Json.parse(
                                """
                                {"to": ["+4915112345678", "+4915187654321"],
                                 "message": "Syncline CRITICAL: source crm is 6.5 min behind (threshold 5 min)"}
                                """));
    }

    @Test
    void aLongMessageIsCutTo160CharactersOfPlainPunctuation() {
        Alert alert =
                Alert.newBuilder(accuracyWarning())
                        .setMessage(
                                accuracyWarning().getMessage()
                                        + "; 40 changes were rejected with RULE_RANGE since the"
                                        + " window opened")
                        .build();

        String text = SmsMessage.text(alert);

        assertThat(text)
                .hasSize(160)
                .isEqualTo(
                        "Syncline WARNING: accuracy of customer for tenant t2 is 90.0 % (threshold"
                                + " 99.0 %) in window 10:00:00-10:01:00 UTC; see syncline errors"
                                + " list --tenant t2; 40 c...");
    }

    @Test
    void aResolvedAlertSaysResolved() {
        assertThat(SmsMessage.text(resolved(sourceStalled(), 1_200, "source crm is 1.2 s behind")))
                .isEqualTo("Syncline RESOLVED: source crm is 1.2 s behind");
    }
}

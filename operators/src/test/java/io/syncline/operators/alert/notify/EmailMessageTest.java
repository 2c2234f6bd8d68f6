package io.syncline.operators.alert.notify;

import static io.syncline.operators.alert.notify.SampleAlerts.accuracyWarning;
import static io.syncline.operators.alert.notify.SampleAlerts.resolved;
import static io.syncline.operators.alert.notify.SampleAlerts.sourceStalled;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmailMessageTest {

    @Test
    void aFiringAlertHasItsSeverityInTheSubjectAndTheFactsInTheBody() {
        EmailMessage email = EmailMessage.of(accuracyWarning());

        assertThat(email.subject())
                .isEqualTo(
                        "[Syncline WARNING] quality/accuracy/t2/customer: 90.0 % (threshold 99.0 %)");
        assertThat(email.body())
                .isEqualTo(
                        """
                        accuracy of customer for tenant t2 is 90.0 % (threshold 99.0 %) in window 10:00:00–10:01:00 UTC; see syncline errors list --tenant t2

                        Status:      FIRING
                        Severity:    WARNING
                        Condition:   quality/accuracy/t2/customer
                        Tenant:      t2
                        Entity type: customer
                        Metric:      accuracy
                        Value:       90.0 %
                        Threshold:   99.0 %
                        Fired at:    2024-05-01T10:01:00Z
                        Alert id:    quality/accuracy/t2/customer@1714557660000
                        """);
    }

    @Test
    void aCriticalAlertSaysCriticalAndAResolvedOneResolvedWithItsTime() {
        assertThat(EmailMessage.of(sourceStalled()).subject())
                .isEqualTo("[Syncline CRITICAL] source-stalled/crm: 6.5 min (threshold 5 min)");

        EmailMessage resolved =
                EmailMessage.of(resolved(sourceStalled(), 1_200, "source crm is 1.2 s behind"));

        assertThat(resolved.subject())
                .isEqualTo("[Syncline RESOLVED] source-stalled/crm: 1.2 s (threshold 5 min)");
        assertThat(resolved.body())
                .isEqualTo(
                        """
                        source crm is 1.2 s behind

                        Status:      RESOLVED
                        Severity:    CRITICAL
                        Condition:   source-stalled/crm
                        Source:      crm
                        Metric:      lag_millis
                        Value:       1.2 s
                        Threshold:   5 min
                        Fired at:    2024-05-01T10:01:00Z
                        Resolved at: 2024-05-01T10:05:00Z
                        Alert id:    source-stalled/crm@1714557660000
                        """);
    }
}

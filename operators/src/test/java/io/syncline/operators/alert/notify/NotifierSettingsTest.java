package io.syncline.operators.alert.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.operators.retry.RetryPolicy;
import io.syncline.schema.AlertSeverity;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class NotifierSettingsTest {

    private static final SlackSettings SLACK =
            new SlackSettings("https://hooks.slack.com/services/T000/B000/secret-token");
    private static final EmailSettings EMAIL =
            new EmailSettings(
                    "smtp.example.com",
                    587,
                    true,
                    "alerts",
                    "hunter2",
                    "syncline@example.com",
                    List.of("ops@example.com"));

    @Test
    void theDefaultRoutingPagesForCriticalAlertsOnly() {
        NotifierRouting routing = NotifierRouting.defaults();

        assertThat(routing.channelsFor(AlertSeverity.CRITICAL))
                .containsExactly(Channel.SLACK, Channel.PAGERDUTY, Channel.EMAIL, Channel.SMS);
        assertThat(routing.channelsFor(AlertSeverity.WARNING))
                .containsExactly(Channel.SLACK, Channel.EMAIL);
    }

    @Test
    void aRoutingThatPagesForWarningsIsRefused() {
        assertThatThrownBy(
                        () ->
                                new NotifierRouting(
                                        Map.of(
                                                AlertSeverity.WARNING,
                                                EnumSet.of(Channel.SLACK, Channel.SMS))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "the routing sends WARNING alerts to SMS; [PAGERDUTY, SMS] are for CRITICAL"
                                + " alerts only");
    }

    @Test
    void aSeverityTheRoutingDoesNotNameGoesNowhere() {
        NotifierRouting routing =
                new NotifierRouting(Map.of(AlertSeverity.CRITICAL, EnumSet.of(Channel.PAGERDUTY)));

        assertThat(routing.channelsFor(AlertSeverity.WARNING)).isEmpty();
    }

    @Test
    void retriesWaitTwiceAsLongEachTimeUpToTheMaximum() {
        RetryPolicy retry = RetryPolicy.defaults();

        assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 8, 40).stream().map(retry::backoff))
                .containsExactly(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(8),
                        Duration.ofSeconds(16),
                        Duration.ofSeconds(32),
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(1));
        assertThat(retry.maxAttempts()).isEqualTo(5);
    }

    @Test
    void theDefaultsConfigureNoChannelAndTheWithersAddThem() {
        NotifierSettings settings = NotifierSettings.defaults();
        NotifierSettings withTwo =
                settings.withSlack(SLACK).withPagerDuty(new PagerDutySettings("routing-key"));

        assertThat(settings.configured()).isEmpty();
        assertThat(settings.ratePerMinute()).isEqualTo(20);
        assertThat(settings.queueCapacity()).isEqualTo(1000);
        assertThat(withTwo.configured()).containsExactly(Channel.SLACK, Channel.PAGERDUTY);
        assertThat(withTwo.pagerDuty().eventsUrl())
                .isEqualTo("https://events.pagerduty.com/v2/enqueue");
    }

    @Test
    void badSettingsAreRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> new SlackSettings("hooks.slack.com/services/x"))
                .hasMessage("slack.webhookUrl must be an http or https URL with a host, not <url>");
        assertThatThrownBy(() -> new PagerDutySettings(" "))
                .hasMessageStartingWith("pagerDuty.routingKey is required");
        assertThatThrownBy(() -> new SmsSettings("https://sms.example.com/send", null, List.of()))
                .hasMessage("sms.to needs at least one phone number");
        assertThatThrownBy(
                        () ->
                                new EmailSettings(
                                        "smtp.example.com",
                                        587,
                                        true,
                                        "alerts",
                                        null,
                                        "syncline@example.com",
                                        List.of("ops@example.com")))
                .hasMessage("email.username and email.password go together: give both or neither");
        assertThatThrownBy(() -> NotifierSettings.defaults().withRatePerMinute(0))
                .hasMessage("notifiers.ratePerMinute must be at least 1: 0");
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
                .hasMessage("retry.maxAttempts must be at least 1: 0");
    }

    @Test
    void secretsAreNotShownWhenSettingsArePrinted() {
        String printed =
                NotifierSettings.defaults()
                        .withSlack(SLACK)
                        .withPagerDuty(new PagerDutySettings("routing-secret"))
                        .withEmail(EMAIL)
                        .withSms(
                                new SmsSettings(
                                        "https://sms.example.com/send?key=query-secret",
                                        "Bearer header-secret",
                                        List.of("+4915112345678")))
                        .toString();

        assertThat(printed)
                .doesNotContain("secret-token", "routing-secret", "hunter2", "query-secret")
                .doesNotContain("header-secret")
                .contains("https://hooks.slack.com/…", "smtp.example.com", "ops@example.com");
    }

    @Test
    void settingsSurviveJavaSerialisationAsTheSinkIsShippedToTheCluster() throws Exception {
        NotifierSettings settings =
                NotifierSettings.defaults()
                        .withSlack(SLACK)
                        .withEmail(EMAIL)
                        .withRouting(
                                new NotifierRouting(
                                        Map.of(AlertSeverity.WARNING, EnumSet.of(Channel.EMAIL))));

        NotifierSettings copy =
                InstantiationUtil.clone(settings, NotifierSettingsTest.class.getClassLoader());

        assertThat(copy).isEqualTo(settings);
    }
}

package io.syncline.operators.alert.notify;

import static io.syncline.operators.alert.notify.SampleAlerts.accuracyWarning;
import static io.syncline.operators.alert.notify.SampleAlerts.sourceStalled;
import static io.syncline.operators.alert.notify.SampleAlerts.withId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.syncline.operators.MutableClock;
import io.syncline.operators.Poll;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.operators.retry.Sleeper;
import io.syncline.schema.Alert;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink's writer against a real local HTTP server, with retries a few milliseconds apart. */
class NotifierSinkTest {

    private static final RetryPolicy FAST_RETRIES =
            new RetryPolicy(3, Duration.ofMillis(2), Duration.ofMillis(10));

    @RegisterExtension final RecordingEndpoint endpoint = new RecordingEndpoint();

    private final MetricListener metrics = new MetricListener();
    private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final List<NotifierWriter> writers = new ArrayList<>();

    @AfterEach
    void closeWriters() {
        writers.forEach(NotifierWriter::close);
    }

    private NotifierWriter writer(NotifierSettings settings) {
        NotifierWriter writer =
                new NotifierSink(settings).writer(metrics.getMetricGroup(), clock, Sleeper.SYSTEM);
        writers.add(writer);
        return writer;
    }

    private NotifierSettings slackAt(String url) {
        return NotifierSettings.defaults()
                .withSlack(new SlackSettings(url))
                .withRetry(FAST_RETRIES);
    }

    private long count(Channel channel, String counter) {
        return metrics.getCounter("channel", channel.id(), counter)
                .map(Counter::getCount)
                .orElseThrow();
    }

    private long sent(Channel channel) {
        return count(channel, "notificationsSent");
    }

    private long failed(Channel channel) {
        return count(channel, "notificationsFailed");
    }

    private long dropped(Channel channel) {
        return count(channel, "notificationsDropped");
    }

    @Test
    void aServerErrorIsRetriedAndTheAlertDeliveredOnce() throws Exception {
        NotifierWriter writer = writer(slackAt(endpoint.url("/hook")));
        endpoint.answer(500);

        writer.write(accuracyWarning(), null);

        Poll.until("the alert was sent", () -> sent(Channel.SLACK) == 1);
        assertThat(endpoint.requests())
                .extracting(RecordingEndpoint.Request::body)
                .containsExactly(
                        SlackMessage.json(accuracyWarning()), SlackMessage.json(accuracyWarning()));
        assertThat(failed(Channel.SLACK)).isZero();
        assertThat(dropped(Channel.SLACK)).isZero();
    }

    @Test
    void aClientErrorIsNotRetried() throws Exception {
        NotifierWriter writer = writer(slackAt(endpoint.url("/hook")));
        endpoint.answer(400);

        writer.write(accuracyWarning(), null);

        Poll.until("the alert failed", () -> failed(Channel.SLACK) == 1);
        assertThat(endpoint.requests()).hasSize(1);
        assertThat(sent(Channel.SLACK)).isZero();
    }

    @Test
    void retriesStopAfterTheLastAttempt() throws Exception {
        NotifierWriter writer = writer(slackAt(endpoint.url("/hook")));
        endpoint.answer(503, 503, 503, 503);

        writer.write(accuracyWarning(), null);

        Poll.until("the alert failed", () -> failed(Channel.SLACK) == 1);
        assertThat(endpoint.requests()).hasSize(3);
        assertThat(sent(Channel.SLACK)).isZero();
    }

    @Test
    void theRateLimitDropsTheSurplusUntilTokensComeBack() throws Exception {
        NotifierWriter writer = writer(slackAt(endpoint.url("/hook")).withRatePerMinute(2));

        for (int i = 1; i <= 5; i++) {
            writer.write(withId(accuracyWarning(), "alert-" + i), null);
        }
        Poll.until("two alerts were sent", () -> sent(Channel.SLACK) == 2);
        clock.advance(Duration.ofSeconds(30));
        writer.write(withId(accuracyWarning(), "alert-6"), null);

        Poll.until("a third alert was sent", () -> sent(Channel.SLACK) == 3);
        assertThat(dropped(Channel.SLACK)).isEqualTo(3);
        assertThat(endpoint.requests())
                .extracting(
                        request -> Json.parse(request.body()).at("/attachments/0/footer").asText())
                .containsExactly("alert alert-1", "alert alert-2", "alert alert-6");
    }

    @Test
    void aDeadEndpointNeverMakesWriteThrow() throws IOException {
        NotifierWriter writer =
                writer(slackAt("http://127.0.0.1:" + HttpNotifierTest.closedPort() + "/hook"));

        assertThatCode(
                        () -> {
                            for (int i = 1; i <= 3; i++) {
                                writer.write(withId(accuracyWarning(), "alert-" + i), null);
                            }
                            writer.flush(false);
                        })
                .doesNotThrowAnyException();

        Poll.until("all three failed", () -> failed(Channel.SLACK) == 3);
        assertThat(sent(Channel.SLACK)).isZero();
        assertThatCode(writer::close).doesNotThrowAnyException();
    }

    @Test
    void alertsGoToTheChannelsOfTheirSeverity() throws Exception {
        NotifierWriter writer =
                writer(
                        NotifierSettings.defaults()
                                .withSlack(new SlackSettings(endpoint.url("/slack")))
                                .withPagerDuty(
                                        new PagerDutySettings(endpoint.url("/pagerduty"), "key"))
                                .withSms(
                                        new SmsSettings(
                                                endpoint.url("/sms"), null, List.of("+491511")))
                                .withRetry(FAST_RETRIES));

        writer.write(accuracyWarning(), null);
        writer.write(sourceStalled(), null);

        Poll.until("four notifications were sent", () -> endpoint.requests().size() == 4);
        assertThat(endpoint.requestsTo("/slack")).hasSize(2);
        assertThat(endpoint.requestsTo("/pagerduty"))
                .extracting(request -> Json.parse(request.body()).get("dedup_key").asText())
                .containsExactly(sourceStalled().getAlertId());
        assertThat(endpoint.requestsTo("/sms"))
                .extracting(request -> Json.parse(request.body()).get("message").asText())
                .containsExactly(SmsMessage.text(sourceStalled()));
        // Email is routed but not configured: nothing is counted for it.
        assertThat(sent(Channel.EMAIL) + failed(Channel.EMAIL) + dropped(Channel.EMAIL)).isZero();
    }

    @Test
    void aFullQueueDropsWithoutBlockingTheWriter() throws Exception {
        NotifierWriter writer = writer(slackAt(endpoint.url("/hook")).withQueueCapacity(1));
        endpoint.holdRequests();

        writer.write(withId(accuracyWarning(), "in-flight"), null);
        Poll.until("the first alert is in flight", () -> endpoint.requests().size() == 1);
        writer.write(withId(accuracyWarning(), "queued"), null);
        writer.write(withId(accuracyWarning(), "dropped"), null);
        long droppedWhileHeld = dropped(Channel.SLACK);
        endpoint.release();

        Poll.until("two alerts were sent", () -> sent(Channel.SLACK) == 2);
        assertThat(droppedWhileHeld).isEqualTo(1);
        assertThat(endpoint.requests())
                .extracting(
                        request -> Json.parse(request.body()).at("/attachments/0/footer").asText())
                .containsExactly("alert in-flight", "alert queued");
    }

    @Test
    void closeSendsWhatIsQueuedWithinTheGracePeriod() throws Exception {
        NotifierWriter writer = writer(slackAt(endpoint.url("/hook")));
        List<Alert> alerts = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            alerts.add(withId(accuracyWarning(), "alert-" + i));
        }

        for (Alert alert : alerts) {
            writer.write(alert, null);
        }
        writer.close();

        assertThat(sent(Channel.SLACK)).isEqualTo(5);
        assertThat(endpoint.requests()).hasSize(5);
    }
}

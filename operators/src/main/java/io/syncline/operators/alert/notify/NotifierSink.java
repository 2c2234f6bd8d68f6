package io.syncline.operators.alert.notify;

import io.syncline.operators.retry.Sleeper;
import io.syncline.schema.Alert;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.MetricGroup;

/**
 * Sends alerts to people: Slack, PagerDuty, email and SMS as {@link NotifierSettings} configure
 * them. Best effort by design: the alerts topic is the record of every alert, so this sink never
 * blocks the job and never fails it because a channel is down; it drops, logs and counts instead
 * ({@code notificationsSent}, {@code notificationsFailed}, {@code notificationsDropped} in the
 * metric group {@code channel} = slack, pagerduty, email, sms).
 */
public final class NotifierSink implements Sink<Alert> {

    private static final long serialVersionUID = 1L;

    /** How long connecting to an HTTP channel may take. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final NotifierSettings settings;

    /**
     * @param settings the channels and how to use them
     * @throws IllegalArgumentException when an email address in the settings is not one
     */
    public NotifierSink(NotifierSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        if (settings.email() != null) {
            // Fails here, when the job is built, rather than on a task manager.
            new EmailNotifier(settings.email());
        }
    }

    /** The settings this sink sends with. */
    public NotifierSettings settings() {
        return settings;
    }

    @Override
    public SinkWriter<Alert> createWriter(WriterInitContext context) {
        return writer(context.metricGroup(), Clock.systemUTC(), Sleeper.SYSTEM);
    }

    /** Still abstract in Flink 1.20's {@link Sink}; the runtime calls the other one. */
    @Override
    @Deprecated
    public SinkWriter<Alert> createWriter(Sink.InitContext context) {
        return writer(context.metricGroup(), Clock.systemUTC(), Sleeper.SYSTEM);
    }

    /** A writer counting into {@code metrics}, with its time and waits as given. */
    NotifierWriter writer(MetricGroup metrics, Clock clock, Sleeper sleeper) {
        return new NotifierWriter(
                new NotificationDispatcher(
                        settings,
                        notifiers(settings),
                        new FlinkDeliveryCounters(metrics),
                        clock,
                        sleeper,
                        NotificationDispatcher.DEFAULT_CLOSE_GRACE));
    }

    /** A notifier for each configured channel. */
    static List<Notifier> notifiers(NotifierSettings settings) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        List<Notifier> notifiers = new ArrayList<>();
        if (settings.slack() != null) {
            notifiers.add(HttpNotifier.slack(settings.slack(), client));
        }
        if (settings.pagerDuty() != null) {
            notifiers.add(HttpNotifier.pagerDuty(settings.pagerDuty(), client));
        }
        if (settings.email() != null) {
            notifiers.add(new EmailNotifier(settings.email()));
        }
        if (settings.sms() != null) {
            notifiers.add(HttpNotifier.sms(settings.sms(), client));
        }
        return notifiers;
    }
}

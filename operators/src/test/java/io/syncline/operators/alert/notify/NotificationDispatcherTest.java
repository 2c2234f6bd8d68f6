package io.syncline.operators.alert.notify;

import static io.syncline.operators.alert.notify.SampleAlerts.accuracyWarning;
import static io.syncline.operators.alert.notify.SampleAlerts.withId;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.Poll;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.operators.retry.Sleeper;
import io.syncline.schema.Alert;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The delivery threads' retries and shutdown, with notifiers that answer as told. */
class NotificationDispatcherTest {

    private final Counts counts = new Counts();

    /** Counts per channel and outcome. */
    private static final class Counts implements DeliveryCounters {

        private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

        long of(Channel channel, String outcome) {
            AtomicLong count = counts.get(channel.id() + " " + outcome);
            return count == null ? 0 : count.get();
        }

        private void inc(Channel channel, String outcome) {
            counts.computeIfAbsent(channel.id() + " " + outcome, key -> new AtomicLong())
                    .incrementAndGet();
        }

        @Override
        public void sent(Channel channel) {
            inc(channel, "sent");
        }

        @Override
        public void failed(Channel channel) {
            inc(channel, "failed");
        }

        @Override
        public void dropped(Channel channel) {
            inc(channel, "dropped");
        }
    }

    /** Fails every send retryably, and records the waits it was asked for. */
    private static final class AlwaysDown implements Notifier {

        final List<String> attempts = new CopyOnWriteArrayList<>();

        @Override
        public Channel channel() {
            return Channel.SLACK;
        }

        @Override
        public void send(Alert alert) throws NotifierException {
            attempts.add(alert.getAlertId());
            throw new NotifierException("down", true);
        }
    }

    @Test
    void retriesWaitLongerEachTimeUpToTheMaximum() {
        List<Duration> waits = new CopyOnWriteArrayList<>();
        AlwaysDown slack = new AlwaysDown();
        NotifierSettings settings =
                NotifierSettings.defaults()
                        .withRetry(
                                new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(3)));

        try (NotificationDispatcher dispatcher =
                new NotificationDispatcher(
                        settings,
                        List.of(slack),
                        counts,
                        Clock.systemUTC(),
                        waits::add,
                        Duration.ofSeconds(5))) {
            dispatcher.dispatch(accuracyWarning());
            Poll.until("the alert failed", () -> counts.of(Channel.SLACK, "failed") == 1);
        }

        assertThat(slack.attempts).hasSize(5);
        assertThat(waits)
                .containsExactly(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(3));
    }

    @Test
    void aNotifierThatThrowsDoesNotStopItsChannel() {
        Notifier flaky =
                new Notifier() {
                    @Override
                    public Channel channel() {
                        return Channel.EMAIL;
                    }

                    @Override
                    public void send(Alert alert) {
                        if (alert.getAlertId().equals("broken")) {
                            throw new IllegalStateException("bug");
                        }
                    }
                };

        try (NotificationDispatcher dispatcher =
                new NotificationDispatcher(
                        NotifierSettings.defaults(),
                        List.of(flaky),
                        counts,
                        Clock.systemUTC(),
                        Sleeper.SYSTEM,
                        Duration.ofSeconds(5))) {
            dispatcher.dispatch(withId(accuracyWarning(), "broken"));
            dispatcher.dispatch(withId(accuracyWarning(), "fine"));
            Poll.until("the second alert was sent", () -> counts.of(Channel.EMAIL, "sent") == 1);
        }

        assertThat(counts.of(Channel.EMAIL, "failed")).isEqualTo(1);
    }

    @Test
    void closeStopsARetryingChannelAfterTheGracePeriodAndDropsWhatIsLeft() {
        AlwaysDown slack = new AlwaysDown();
        NotifierSettings settings =
                NotifierSettings.defaults()
                        .withRetry(
                                new RetryPolicy(5, Duration.ofMinutes(1), Duration.ofMinutes(1)));
        NotificationDispatcher dispatcher =
                new NotificationDispatcher(
                        settings,
                        List.of(slack),
                        counts,
                        Clock.systemUTC(),
                        Sleeper.SYSTEM,
                        Duration.ofMillis(50));
        dispatcher.dispatch(withId(accuracyWarning(), "retrying"));
        dispatcher.dispatch(withId(accuracyWarning(), "queued"));
        Poll.until("the first attempt failed", () -> slack.attempts.size() == 1);

        long start = System.nanoTime();
        dispatcher.close();
        Duration closing = Duration.ofNanos(System.nanoTime() - start);
        dispatcher.dispatch(withId(accuracyWarning(), "after close"));

        assertThat(closing).isLessThan(Duration.ofSeconds(5));
        assertThat(slack.attempts).containsExactly("retrying");
        assertThat(counts.of(Channel.SLACK, "dropped")).isEqualTo(3);
        assertThat(counts.of(Channel.SLACK, "sent") + counts.of(Channel.SLACK, "failed")).isZero();
    }
}

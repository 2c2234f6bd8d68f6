package io.syncline.operators.alert.notify;

import io.syncline.operators.retry.RetryPolicy;
import io.syncline.operators.retry.Sleeper;
import io.syncline.schema.Alert;
import io.syncline.schema.AlertSeverity;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands alerts to their channels without holding up the caller: {@link #dispatch} routes an alert
 * by severity, applies each channel's rate limit and queues it; one daemon thread per channel sends
 * with retries. Every alert is also on the alerts topic, so a notification that is dropped or fails
 * is logged and counted, never thrown. One thread per channel keeps a slow or dead channel from
 * delaying the others: a page must not wait for Slack's retries.
 */
public final class NotificationDispatcher implements AutoCloseable {

    /** How long {@link #close()} lets the channels send what is queued. */
    public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);
    private static final long POLL_MILLIS = 100;

    private final NotifierRouting routing;
    private final RetryPolicy retry;
    private final int ratePerMinute;
    private final DeliveryCounters counters;
    private final Sleeper sleeper;
    private final Duration closeGrace;
    private final Map<Channel, ChannelWorker> workers = new EnumMap<>(Channel.class);

    /**
     * Starts one delivery thread per notifier.
     *
     * @param settings routing, retries and limits
     * @param notifiers the configured channels' notifiers, one per channel
     * @param counters where deliveries are counted
     * @param clock the time the rate limits are measured in
     * @param sleeper waits between retries
     * @param closeGrace how long {@link #close()} lets the channels send what is queued
     */
    public NotificationDispatcher(
            NotifierSettings settings,
            Collection<? extends Notifier> notifiers,
            DeliveryCounters counters,
            Clock clock,
            Sleeper sleeper,
            Duration closeGrace) {
        this.routing = settings.routing();
        this.retry = settings.retry();
        this.ratePerMinute = settings.ratePerMinute();
        this.counters = Objects.requireNonNull(counters, "counters");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.closeGrace = Objects.requireNonNull(closeGrace, "closeGrace");
        for (Notifier notifier : notifiers) {
            if (workers.containsKey(notifier.channel())) {
                throw new IllegalArgumentException(
                        "two notifiers for channel " + notifier.channel());
            }
            workers.put(
                    notifier.channel(),
                    new ChannelWorker(
                            notifier,
                            settings.queueCapacity(),
                            new TokenBucket(ratePerMinute, clock)));
        }
        logRoutedButNotConfigured();
        workers.values().forEach(worker -> worker.thread.start());
    }

    /** Routed but unconfigured channels are normal (no SMS gateway, say); said once at start. */
    private void logRoutedButNotConfigured() {
        for (Channel channel : Channel.values()) {
            List<AlertSeverity> severities = new ArrayList<>();
            routing.channels()
                    .forEach(
                            (severity, channels) -> {
                                if (channels.contains(channel)) {
                                    severities.add(severity);
                                }
                            });
            if (!workers.containsKey(channel) && !severities.isEmpty()) {
                LOG.info(
                        "{} alerts are routed to {}, which is not configured; they are on the"
                                + " alerts topic only",
                        severities,
                        channel.id());
            }
        }
    }

    /**
     * Queues {@code alert} for each configured channel of its severity. Never blocks: a channel
     * over its rate limit or with a full queue drops the notification, with a log line.
     */
    public void dispatch(Alert alert) {
        for (Channel channel : routing.channelsFor(alert.getSeverity())) {
            ChannelWorker worker = workers.get(channel);
            if (worker != null) {
                worker.offer(alert);
            }
        }
    }

    /**
     * Lets the channels send what is queued for up to the grace period, then stops their threads;
     * notifications still queued are dropped.
     */
    @Override
    public void close() {
        workers.values().forEach(ChannelWorker::stopTaking);
        long deadline = System.nanoTime() + closeGrace.toNanos();
        boolean interrupted = false;
        for (ChannelWorker worker : workers.values()) {
            try {
                long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                worker.thread.join(Math.max(1, remaining));
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            }
        }
        List<ChannelWorker> stillRunning = new ArrayList<>();
        for (ChannelWorker worker : workers.values()) {
            if (worker.thread.isAlive()) {
                worker.thread.interrupt();
                stillRunning.add(worker);
            }
        }
        for (ChannelWorker worker : stillRunning) {
            try {
                worker.thread.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One channel's queue, rate limit and delivery thread. */
    private final class ChannelWorker implements Runnable {

        private final Notifier notifier;
        private final Channel channel;
        private final BlockingQueue<Alert> queue;
        // Taken on the dispatching thread only.
        private final TokenBucket rateLimit;
        private final Thread thread;
        private volatile boolean closing;

        ChannelWorker(Notifier notifier, int capacity, TokenBucket rateLimit) {
            this.notifier = notifier;
            this.channel = notifier.channel();
            this.queue = new ArrayBlockingQueue<>(capacity);
            this.rateLimit = rateLimit;
            this.thread = new Thread(this, "syncline-notifier-" + channel.id());
            thread.setDaemon(true);
        }

        void offer(Alert alert) {
            if (closing) {
                drop(alert, "the sink is closing");
            } else if (!rateLimit.tryTake()) {
                drop(alert, "over the limit of " + ratePerMinute + " notifications a minute");
            } else if (!queue.offer(alert)) {
                drop(
                        alert,
                        "its queue of " + (queue.size() + queue.remainingCapacity()) + " is full");
            }
        }

        void stopTaking() {
            closing = true;
        }

        @Override
        public void run() {
            try {
                while (!(closing && queue.isEmpty())) {
                    Alert alert = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    if (alert != null) {
                        deliver(alert);
                    }
                }
            } catch (InterruptedException e) {
                // The grace period is over: what is left stays on the alerts topic only.
                List<Alert> left = new ArrayList<>();
                queue.drainTo(left);
                left.forEach(alert -> drop(alert, "the sink closed before it was sent"));
            }
        }

        private void deliver(Alert alert) throws InterruptedException {
            for (int attempt = 1; ; attempt++) {
                try {
                    notifier.send(alert);
                    counters.sent(channel);
                    return;
                } catch (NotifierException e) {
                    if (!e.retryable() || attempt >= retry.maxAttempts()) {
                        counters.failed(channel);
                        LOG.warn(
                                "{} alert {} not sent to {} after {} attempt(s): {}; it is still"
                                        + " on the alerts topic",
                                alert.getStatus(),
                                alert.getAlertId(),
                                channel.id(),
                                attempt,
                                e.getMessage());
                        return;
                    }
                    Duration backoff = retry.backoff(attempt);
                    LOG.info(
                            "{} alert {} not sent to {} (attempt {} of {}): {}; trying again in {}",
                            alert.getStatus(),
                            alert.getAlertId(),
                            channel.id(),
                            attempt,
                            retry.maxAttempts(),
                            e.getMessage(),
                            backoff);
                    try {
                        sleeper.sleep(backoff);
                    } catch (InterruptedException interrupted) {
                        drop(alert, "the sink closed while it was being retried");
                        throw interrupted;
                    }
                } catch (RuntimeException e) {
                    // A notifier's bug must not stop the channel: the next alert may go through.
                    counters.failed(channel);
                    LOG.error(
                            "{} alert {} not sent to {}; it is still on the alerts topic",
                            alert.getStatus(),
                            alert.getAlertId(),
                            channel.id(),
                            e);
                    return;
                }
            }
        }

        private void drop(Alert alert, String reason) {
            counters.dropped(channel);
            LOG.warn(
                    "{} alert {} not sent to {}: {}; it is still on the alerts topic",
                    alert.getStatus(),
                    alert.getAlertId(),
                    channel.id(),
                    reason);
        }
    }
}

package io.syncline.jobs.demo;

import io.syncline.schema.Alert;
import io.syncline.schema.QualityMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows the quality and alerts topics as a downstream reader would ({@code read_committed}) and
 * hands the console each quality window once its rows have arrived, and each alert.
 *
 * <p>The rows of one window come from several parallel instances of the window stage, whose
 * watermarks pass the window's end at slightly different times, so they may arrive in different
 * Kafka transactions: a window is handed out once {@code settle} has passed since its first row.
 * Alerts are held as long, so that they follow the window they were raised on.
 */
public final class QualityMonitor implements AutoCloseable {

    /**
     * One quality window: a row per tenant and entity type that had changes in it, by tenant then
     * entity type.
     *
     * @param again whether rows of this window were handed out before: late changes updated it
     */
    public record Window(Instant start, Instant end, List<QualityMetrics> rows, boolean again) {}

    /** What arrived since the previous call: settled windows, oldest first, and alerts. */
    public record News(List<Window> windows, List<Alert> alerts) {}

    private record WindowKey(Instant start, Instant end) {}

    /** The rows of a window not handed out yet, the latest per tenant and entity type. */
    private record Pending(Instant firstArrival, Map<String, QualityMetrics> rows) {}

    private record PendingAlert(Instant arrival, Alert alert) {}

    private static final Comparator<WindowKey> WINDOW_ORDER =
            Comparator.comparing(WindowKey::start).thenComparing(WindowKey::end);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String qualityTopic;
    private final Duration settle;
    private final Clock clock;
    private final Thread poller;
    private final Map<WindowKey, Pending> pending = new TreeMap<>(WINDOW_ORDER);
    private final Set<WindowKey> handedOut = new HashSet<>();
    private final List<PendingAlert> alerts = new ArrayList<>();
    private Instant latestWindowEnd = Instant.EPOCH;
    private Instant lastArrival = Instant.EPOCH;
    private volatile RuntimeException failure;

    /**
     * @param settle how long after its first row a window is handed out: longer than the job's
     *     checkpoint interval, on which its Kafka transactions commit
     */
    public QualityMonitor(
            String bootstrapServers,
            String qualityTopic,
            String alertTopic,
            Duration settle,
            Clock clock) {
        this.consumer = DemoConsumers.readCommitted(bootstrapServers, "syncline-quality-monitor");
        this.qualityTopic = qualityTopic;
        this.settle = settle;
        this.clock = clock;
        consumer.subscribe(List.of(qualityTopic, alertTopic));
        this.poller = new Thread(this::poll, "syncline-quality-monitor");
        poller.setDaemon(true);
        poller.start();
    }

    /** The windows that settled and the alerts that arrived since the previous call. */
    public synchronized News news() {
        return news(clock.instant().minus(settle));
    }

    /** Every window and alert that arrived since the previous call, settled or not. */
    public synchronized News allNews() {
        return news(Instant.MAX);
    }

    /** The latest end of any window seen; {@link Instant#EPOCH} before the first. */
    public synchronized Instant latestWindowEnd() {
        checkFailure();
        return latestWindowEnd;
    }

    /** Whether nothing arrived for {@code settle}: the windows seen so far are complete. */
    public synchronized boolean settled() {
        checkFailure();
        return !lastArrival.isAfter(clock.instant().minus(settle));
    }

    private News news(Instant arrivedUpTo) {
        checkFailure();
        List<Window> windows = new ArrayList<>();
        Iterator<Map.Entry<WindowKey, Pending>> entries = pending.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<WindowKey, Pending> entry = entries.next();
            if (entry.getValue().firstArrival().isAfter(arrivedUpTo)) {
                continue;
            }
            WindowKey key = entry.getKey();
            windows.add(
                    new Window(
                            key.start(),
                            key.end(),
                            List.copyOf(entry.getValue().rows().values()),
                            !handedOut.add(key)));
            entries.remove();
        }
        List<Alert> arrived = new ArrayList<>();
        Iterator<PendingAlert> pendingAlerts = alerts.iterator();
        while (pendingAlerts.hasNext()) {
            PendingAlert alert = pendingAlerts.next();
            if (!alert.arrival().isAfter(arrivedUpTo)) {
                arrived.add(alert.alert());
                pendingAlerts.remove();
            }
        }
        return new News(windows, arrived);
    }

    private void checkFailure() {
        if (failure != null) {
            throw failure;
        }
    }

    private void poll() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    add(record);
                }
            }
        } catch (WakeupException e) {
            // close() was called.
        } catch (IOException | RuntimeException e) {
            failure =
                    new IllegalStateException(
                            "cannot read the quality and alerts topics: " + e.getMessage(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private synchronized void add(ConsumerRecord<byte[], byte[]> record) throws IOException {
        Instant now = clock.instant();
        lastArrival = now;
        if (record.topic().equals(qualityTopic)) {
            QualityMetrics metrics =
                    QualityMetrics.getDecoder().decode(ByteBuffer.wrap(record.value()));
            WindowKey key = new WindowKey(metrics.getWindowStart(), metrics.getWindowEnd());
            pending.computeIfAbsent(key, k -> new Pending(now, new TreeMap<>()))
                    .rows()
                    .put(metrics.getTenant() + "\u0000" + metrics.getEntityType(), metrics);
            if (key.end().isAfter(latestWindowEnd)) {
                latestWindowEnd = key.end();
            }
        } else {
            alerts.add(
                    new PendingAlert(
                            now, Alert.getDecoder().decode(ByteBuffer.wrap(record.value()))));
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        poller.join(10_000);
    }
}

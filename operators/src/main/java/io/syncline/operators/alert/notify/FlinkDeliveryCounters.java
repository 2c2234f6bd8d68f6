package io.syncline.operators.alert.notify;

import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;

/**
 * Delivery counts as Flink counters, per channel in the group {@code channel}: {@code
 * notificationsSent}, {@code notificationsFailed}, {@code notificationsDropped}. Thread-safe
 * counters, because the delivery threads and the task thread both count.
 */
final class FlinkDeliveryCounters implements DeliveryCounters {

    private final Map<Channel, Counter> sent = new EnumMap<>(Channel.class);
    private final Map<Channel, Counter> failed = new EnumMap<>(Channel.class);
    private final Map<Channel, Counter> dropped = new EnumMap<>(Channel.class);

    FlinkDeliveryCounters(MetricGroup metrics) {
        for (Channel channel : Channel.values()) {
            MetricGroup group = metrics.addGroup("channel", channel.id());
            sent.put(channel, group.counter("notificationsSent", new ThreadSafeSimpleCounter()));
            failed.put(
                    channel, group.counter("notificationsFailed", new ThreadSafeSimpleCounter()));
            dropped.put(
                    channel, group.counter("notificationsDropped", new ThreadSafeSimpleCounter()));
        }
    }

    @Override
    public void sent(Channel channel) {
        sent.get(channel).inc();
    }

    @Override
    public void failed(Channel channel) {
        failed.get(channel).inc();
    }

    @Override
    public void dropped(Channel channel) {
        dropped.get(channel).inc();
    }
}

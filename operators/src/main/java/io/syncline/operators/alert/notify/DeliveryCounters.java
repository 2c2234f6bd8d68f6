package io.syncline.operators.alert.notify;

/**
 * Counts what became of each notification, per channel; the sink backs it with Flink counters.
 * Called from the delivery threads and the task thread, so implementations must be thread-safe.
 */
public interface DeliveryCounters {

    /** A notification reached its channel. */
    void sent(Channel channel);

    /** A notification failed for good: its retries ran out, or the failure was permanent. */
    void failed(Channel channel);

    /** A notification was not tried: over the rate limit, the queue full, or the sink closing. */
    void dropped(Channel channel);
}

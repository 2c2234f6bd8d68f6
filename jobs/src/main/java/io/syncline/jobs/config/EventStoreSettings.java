package io.syncline.jobs.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The event store: every change the job delivers to the targets, appended to the event topic
 * ({@code sinks.kafka.eventTopic}) partitioned by entity type and tenant, from which {@code
 * syncline replay} rebuilds a target as it was at any time within the retention.
 *
 * @param enabled whether the job appends to the event topic; off, the topic is neither created nor
 *     written, and there is nothing to replay from
 * @param retention how long the event topic keeps an event ({@code retention.ms}); as far back as a
 *     replay can go
 */
public record EventStoreSettings(boolean enabled, Duration retention) {

    public EventStoreSettings {
        Objects.requireNonNull(retention, "retention");
    }
}

package io.syncline.jobs.config;

import java.time.Duration;
import java.util.List;
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
 * @param compression the event store producer's {@code compression.type}, one of {@link
 *     #COMPRESSIONS}: events are kept for years, and lz4 stores them in about 40 % of the bytes
 */
public record EventStoreSettings(boolean enabled, Duration retention, String compression) {

    /** Kafka's compression types. */
    public static final List<String> COMPRESSIONS =
            List.of("lz4", "zstd", "gzip", "snappy", "none");

    /** lz4: the benchmark stored its event topic in 40 % of the bytes uncompressed. */
    public static final String DEFAULT_COMPRESSION = "lz4";

    public EventStoreSettings {
        Objects.requireNonNull(retention, "retention");
        if (!COMPRESSIONS.contains(compression)) {
            throw new IllegalArgumentException(
                    "eventStore.compression must be one of " + COMPRESSIONS + ": " + compression);
        }
    }

    /** On, with {@code retention} and the default compression. */
    public EventStoreSettings(boolean enabled, Duration retention) {
        this(enabled, retention, DEFAULT_COMPRESSION);
    }
}

package io.syncline.jobs.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.syncline.jobs.config.KafkaSinkSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** The producer settings the job's Kafka sinks ride out a broker outage with. */
class SinksTest {

    @Test
    void producersRetryWithExponentialReconnectsWithinABoundedDeliveryTimeout() {
        Properties producer = Sinks.producerProperties(kafka(Map.of()));

        assertThat(producer)
                .contains(
                        entry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000"),
                        entry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000"),
                        entry(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000"),
                        entry(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "200"),
                        entry(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "200"),
                        entry(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10000"),
                        entry(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "300000"));
        // The producer accepts them as they are (types, and the delivery timeout covering a
        // request), so no sink fails to start on them.
        producer.put(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                "org.apache.kafka.common.serialization.ByteArraySerializer");
        producer.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                "org.apache.kafka.common.serialization.ByteArraySerializer");
        ProducerConfig config = new ProducerConfig(producer);
        assertThat(config.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG))
                .isGreaterThanOrEqualTo(
                        config.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)
                                + config.getLong(ProducerConfig.LINGER_MS_CONFIG).intValue());
    }

    @Test
    void theKafkaClientsOnTheClasspathHaveNoExponentialRetryBackoffYet() {
        // KIP-580 (retry.backoff.max.ms) came with kafka-clients 3.7; flink-connector-kafka
        // 3.4.0-1.20 is built on 3.4. When this fails, the clients were upgraded: set it in
        // Sinks.PRODUCER_DEFAULTS and say so in the README.
        assertThat(ProducerConfig.configNames())
                .contains(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG)
                .doesNotContain("retry.backoff.max.ms");
        assertThat(ProducerConfig.configNames()).containsAll(Sinks.PRODUCER_DEFAULTS.keySet());
    }

    @Test
    void theConfiguredPropertiesOverrideTheDefaults() {
        Properties producer =
                Sinks.producerProperties(
                        kafka(Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000")));

        assertThat(producer.getProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG))
                .isEqualTo("600000");
    }

    private static KafkaSinkSettings kafka(Map<String, String> properties) {
        return new KafkaSinkSettings(
                "localhost:9092",
                "changes",
                "errors",
                "control",
                "syncline",
                Duration.ofMinutes(5),
                properties,
                "conflicts",
                "quality",
                "alerts",
                "audit",
                "events");
    }
}

package io.syncline.jobs.wiring.sources;

import io.syncline.jobs.SyncJob;
import io.syncline.jobs.config.ChangeSourceConfig;
import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.WebhookSourceConfig;
import io.syncline.jobs.wiring.ChangeSourceWiring;
import io.syncline.jobs.wiring.ControlSources;
import io.syncline.jobs.wiring.DiscoveredTable;
import io.syncline.jobs.wiring.PostgresCdcSources;
import io.syncline.jobs.wiring.SourceTables;
import io.syncline.jobs.wiring.Topics;
import io.syncline.jobs.wiring.WiredSource;
import io.syncline.operators.webhook.WebhookDeserializer;
import io.syncline.operators.webhook.WebhookPayloadDecoder;
import io.syncline.operators.webhook.WebhookSettings;
import io.syncline.operators.webhook.WebhookSource;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Wires a webhook source: creates its landing topic on {@code sinks.kafka}'s cluster, and reads it
 * with a {@code KafkaSource} in {@code read_committed} whose readers also run the receivers that
 * write it. The landing topic keeps the changes for {@code security.retention.changes}.
 */
public final class WebhookSources implements ChangeSourceWiring {

    @Override
    public WiredSource wire(ChangeSourceConfig config, SynclineConfig sync, SourceTables tables) {
        WebhookSourceConfig source = (WebhookSourceConfig) config;
        List<DiscoveredTable> discovered = tables.resolve(source);
        KafkaSinkSettings kafka = sync.sinks().kafka();
        ensureLandingTopic(source, sync);
        WebhookPayloadDecoder decoder =
                new WebhookPayloadDecoder(
                        source.id(),
                        PostgresCdcSources.bindings(discovered),
                        Set.copyOf(sync.tenants()));
        Properties consumer = ControlSources.readCommitted(kafka);
        KafkaSource<Either<ErrorRecord, ChangeEvent>> landing =
                KafkaSource.<Either<ErrorRecord, ChangeEvent>>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopics(source.topic())
                        .setGroupId("syncline-webhook-" + source.id())
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                        .setDeserializer(new WebhookDeserializer(decoder))
                        .setProperties(consumer)
                        .build();
        return new WiredSource(
                new SyncJob.ChangeSource(
                        source.id(), new WebhookSource<>(landing, settingsOf(source, sync))),
                discovered);
    }

    /**
     * Creates the landing topic of {@code source} if it does not exist, with the retention of
     * {@code security.retention.changes}.
     */
    public static void ensureLandingTopic(WebhookSourceConfig source, SynclineConfig sync) {
        Topics.ensureTopic(
                sync.sinks().kafka(),
                source.topic(),
                source.partitions(),
                Map.of(
                        TopicConfig.RETENTION_MS_CONFIG,
                        Long.toString(sync.security().retention().changes().toMillis())),
                "the landing topic of webhook source " + source.id(),
                "(or create it yourself, and set the source's topic)");
    }

    /** How the receivers of {@code source} listen and reach the landing topic. */
    public static WebhookSettings settingsOf(WebhookSourceConfig source, SynclineConfig sync) {
        KafkaSinkSettings kafka = sync.sinks().kafka();
        Map<String, String> producer = new HashMap<>(kafka.properties());
        producer.put("bootstrap.servers", kafka.bootstrapServers());
        return new WebhookSettings(
                source.id(),
                source.host(),
                source.port(),
                source.path(),
                source.secret(),
                source.maxSkew(),
                source.topic(),
                producer,
                source.kafkaTimeout(),
                source.maxBodyBytes(),
                source.threads(),
                source.receivers());
    }
}

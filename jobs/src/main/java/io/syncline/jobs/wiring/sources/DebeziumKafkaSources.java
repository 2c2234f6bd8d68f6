package io.syncline.jobs.wiring.sources;

import io.syncline.jobs.SyncJob;
import io.syncline.jobs.config.ChangeSourceConfig;
import io.syncline.jobs.config.DebeziumKafkaSourceConfig;
import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.ChangeSourceWiring;
import io.syncline.jobs.wiring.ControlSources;
import io.syncline.jobs.wiring.DiscoveredTable;
import io.syncline.jobs.wiring.PostgresCdcSources;
import io.syncline.jobs.wiring.SourceTables;
import io.syncline.jobs.wiring.WiredSource;
import io.syncline.operators.decode.TableBinding;
import io.syncline.operators.decode.debezium.DebeziumAvroDecoder;
import io.syncline.operators.decode.debezium.DebeziumJsonDecoder;
import io.syncline.operators.decode.debezium.DebeziumKafkaDeserializer;
import io.syncline.operators.decode.debezium.DebeziumMessageDecoder;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Reads Debezium topics with a {@code KafkaSource} in {@code read_committed}: its offsets are in
 * Flink's checkpoints, so a restored job reads on from where its last checkpoint was. Messages are
 * JSON or, with {@code format: avro}, Avro in the Confluent wire format whose schemas come from the
 * source's schema registry.
 */
public final class DebeziumKafkaSources implements ChangeSourceWiring {

    @Override
    public WiredSource wire(ChangeSourceConfig config, SynclineConfig sync, SourceTables tables) {
        DebeziumKafkaSourceConfig source = (DebeziumKafkaSourceConfig) config;
        List<DiscoveredTable> discovered = tables.resolve(source);
        DebeziumMessageDecoder decoder =
                decoder(
                        source,
                        PostgresCdcSources.bindings(discovered),
                        Set.copyOf(sync.tenants()));
        KafkaSinkSettings kafka = sync.sinks().kafka();
        boolean sameCluster = source.bootstrapServers() == null;
        // On the sinks' cluster, its client settings (TLS, SASL) hold for reading too.
        Properties consumer = sameCluster ? ControlSources.readCommitted(kafka) : new Properties();
        consumer.putAll(source.properties());
        consumer.setProperty("isolation.level", "read_committed");
        KafkaSource<Either<ErrorRecord, ChangeEvent>> kafkaSource =
                KafkaSource.<Either<ErrorRecord, ChangeEvent>>builder()
                        .setBootstrapServers(
                                sameCluster ? kafka.bootstrapServers() : source.bootstrapServers())
                        .setTopics(source.topics())
                        .setGroupId(source.groupId())
                        .setStartingOffsets(startingOffsets(source.startingOffsets()))
                        .setDeserializer(new DebeziumKafkaDeserializer(decoder, Clock.systemUTC()))
                        .setProperties(consumer)
                        .build();
        return new WiredSource(new SyncJob.ChangeSource(source.id(), kafkaSource), discovered);
    }

    /** The decoder of the source's format: Avro with its schema registry, or JSON. */
    static DebeziumMessageDecoder decoder(
            DebeziumKafkaSourceConfig source, List<TableBinding> bindings, Set<String> tenants) {
        return "avro".equals(source.format())
                ? new DebeziumAvroDecoder(source.id(), bindings, tenants, source.schemaRegistry())
                : new DebeziumJsonDecoder(source.id(), bindings, tenants);
    }

    private static OffsetsInitializer startingOffsets(String startingOffsets) {
        return "latest".equals(startingOffsets)
                ? OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST)
                : OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
    }
}

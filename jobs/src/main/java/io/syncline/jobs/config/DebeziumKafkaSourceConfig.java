package io.syncline.jobs.config;

import io.syncline.operators.decode.debezium.SchemaRegistrySettings;
import io.syncline.operators.sink.TargetColumn;
import java.util.List;
import java.util.Map;

/**
 * Kafka topics a Debezium connector writes (type {@code debezium-kafka}), read in {@code
 * read_committed} with their offsets in Flink's checkpoints.
 *
 * @param bootstrapServers the cluster the topics are on; {@code null} for {@code sinks.kafka}'s
 * @param topics the topics, one per captured table as Debezium names them ({@code
 *     <prefix>.<schema>.<table>})
 * @param groupId the consumer group the source commits its offsets to on checkpoints (only for
 *     monitoring: it restarts from the offsets in its checkpoint)
 * @param startingOffsets {@code earliest} or {@code latest}, where a job without a checkpoint
 *     starts
 * @param format {@code json} (Kafka Connect's JsonConverter, with or without schemas) or {@code
 *     avro} (Confluent's AvroConverter: the wire format with a schema registry)
 * @param schemaRegistry the registry of the Avro messages' schemas; {@code null} for JSON
 * @param properties extra consumer properties, passed as they are
 * @param tables the captured tables ({@code schema.table} for Postgres connectors, {@code
 *     database.table} for MySQL and MariaDB ones)
 */
public record DebeziumKafkaSourceConfig(
        String id,
        int priority,
        String bootstrapServers,
        List<String> topics,
        String groupId,
        String startingOffsets,
        String format,
        SchemaRegistrySettings schemaRegistry,
        Map<String, String> properties,
        List<TableMapping> tables,
        Map<String, List<TargetColumn>> declaredColumns)
        implements ChangeSourceConfig {

    public static final String TYPE = DebeziumKafkaSourceBinder.TYPE;

    public DebeziumKafkaSourceConfig {
        topics = List.copyOf(topics);
        properties = Map.copyOf(properties);
        tables = List.copyOf(tables);
        declaredColumns = Map.copyOf(declaredColumns);
    }

    @Override
    public String type() {
        return TYPE;
    }
}

package io.syncline.jobs.wiring;

import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.resolve.ConflictsTable;
import io.syncline.operators.sink.AvroKafkaSerializer;
import io.syncline.operators.sink.TargetTable;
import io.syncline.operators.sink.VersionGuardedUpsert;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.ErrorRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSinkBuilder;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/** Builds the job's sinks from their settings. */
public final class Sinks {

    private Sinks() {}

    /** The change topic, written in Kafka transactions committed on checkpoints. */
    public static KafkaSink<ChangeEvent> changeTopic(KafkaSinkSettings kafka) {
        return changeTopic(kafka, DeliveryGuarantee.EXACTLY_ONCE);
    }

    /** The change topic with the given guarantee (benchmarks compare the two). */
    public static KafkaSink<ChangeEvent> changeTopic(
            KafkaSinkSettings kafka, DeliveryGuarantee guarantee) {
        return kafka(kafka, AvroKafkaSerializer.changes(kafka.changeTopic()), "changes", guarantee);
    }

    /** The error topic, written in Kafka transactions committed on checkpoints. */
    public static KafkaSink<ErrorRecord> errorTopic(KafkaSinkSettings kafka) {
        return errorTopic(kafka, DeliveryGuarantee.EXACTLY_ONCE);
    }

    /** The error topic with the given guarantee. */
    public static KafkaSink<ErrorRecord> errorTopic(
            KafkaSinkSettings kafka, DeliveryGuarantee guarantee) {
        return kafka(kafka, AvroKafkaSerializer.errors(kafka.errorTopic()), "errors", guarantee);
    }

    /** The conflict topic, written in Kafka transactions committed on checkpoints. */
    public static KafkaSink<ConflictRecord> conflictTopic(KafkaSinkSettings kafka) {
        return conflictTopic(kafka, DeliveryGuarantee.EXACTLY_ONCE);
    }

    /**
     * The conflict topic with the given guarantee: conflicts in Avro single-object encoding, keyed
     * by their entity key, so one entity's conflicts (parked, then resolved) stay in order.
     */
    public static KafkaSink<ConflictRecord> conflictTopic(
            KafkaSinkSettings kafka, DeliveryGuarantee guarantee) {
        KafkaRecordSerializationSchema<ConflictRecord> serializer =
                KafkaRecordSerializationSchema.<ConflictRecord>builder()
                        .setTopic(kafka.conflictTopic())
                        .setKeySerializationSchema(Sinks::conflictKey)
                        .setValueSerializationSchema(Sinks::encode)
                        .build();
        return kafka(kafka, serializer, "conflicts", guarantee);
    }

    /** One entity type's target table, written by version-guarded upserts. */
    public static JdbcSink<ChangeEvent> targetTable(TargetSettings target, TargetTable table) {
        return jdbc(
                target,
                JdbcSink.<ChangeEvent>builder()
                        .withQueryStatement(new VersionGuardedUpsert(table)));
    }

    /**
     * The errors table, written by idempotent inserts keyed by error id, so a redelivered error is
     * one row.
     */
    public static JdbcSink<ErrorRecord> errorsTable(TargetSettings target, ErrorsTable table) {
        return jdbc(
                target,
                JdbcSink.<ErrorRecord>builder().withQueryStatement(table.insertStatement()));
    }

    /**
     * The conflicts table, written by upserts keyed by conflict id that only ever move a conflict
     * from open to resolved, so a redelivered or replayed conflict is one row in its latest state.
     */
    public static JdbcSink<ConflictRecord> conflictsTable(
            TargetSettings target, ConflictsTable table) {
        return jdbc(
                target,
                JdbcSink.<ConflictRecord>builder().withQueryStatement(table.upsertStatement()));
    }

    private static <T> JdbcSink<T> jdbc(TargetSettings target, JdbcSinkBuilder<T> builder) {
        return builder.withExecutionOptions(
                        JdbcExecutionOptions.builder()
                                .withBatchSize(target.batchSize())
                                .withBatchIntervalMs(target.batchInterval().toMillis())
                                .withMaxRetries(target.maxRetries())
                                .build())
                .buildAtLeastOnce(
                        new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                                .withUrl(target.url())
                                .withDriverName("org.postgresql.Driver")
                                .withUsername(target.username())
                                .withPassword(target.password())
                                .build());
    }

    /**
     * A Kafka sink with the job's producer settings; {@code transactionalSuffix} keeps the
     * transactional ids of the job's sinks apart.
     */
    public static <T> KafkaSink<T> kafka(
            KafkaSinkSettings kafka,
            KafkaRecordSerializationSchema<T> serializer,
            String transactionalSuffix,
            DeliveryGuarantee guarantee) {
        Properties producer = new Properties();
        producer.putAll(kafka.properties());
        producer.setProperty(
                "transaction.timeout.ms", String.valueOf(kafka.transactionTimeout().toMillis()));
        return KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-" + transactionalSuffix)
                .setKafkaProducerConfig(producer)
                .build();
    }

    private static byte[] conflictKey(ConflictRecord conflict) {
        return EntityKeys.of(conflict.getTenant(), conflict.getEntityType(), conflict.getEntityId())
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] encode(ConflictRecord conflict) {
        try {
            ByteBuffer buffer = ConflictRecord.getEncoder().encode(conflict);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

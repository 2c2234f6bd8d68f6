package io.syncline.jobs.wiring;

import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.operators.alert.AlertsTable;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.quality.ObservationKeys;
import io.syncline.operators.quality.QualityMetricsTable;
import io.syncline.operators.resolve.ConflictsTable;
import io.syncline.operators.sink.AvroKafkaSerializer;
import io.syncline.operators.sink.TargetTable;
import io.syncline.operators.sink.VersionGuardedUpsert;
import io.syncline.schema.Alert;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.QualityMetrics;
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

    /**
     * The quality topic: each window's metrics in Avro single-object encoding, keyed by tenant and
     * entity type, in Kafka transactions committed on checkpoints.
     */
    public static KafkaSink<QualityMetrics> qualityTopic(
            KafkaSinkSettings kafka, DeliveryGuarantee guarantee) {
        KafkaRecordSerializationSchema<QualityMetrics> serializer =
                KafkaRecordSerializationSchema.<QualityMetrics>builder()
                        .setTopic(kafka.qualityTopic())
                        .setKeySerializationSchema(
                                metrics ->
                                        utf8(
                                                ObservationKeys.of(
                                                        metrics.getTenant(),
                                                        metrics.getEntityType())))
                        .setValueSerializationSchema(
                                metrics -> bytes(() -> QualityMetrics.getEncoder().encode(metrics)))
                        .build();
        return kafka(kafka, serializer, "quality", guarantee);
    }

    /**
     * The alerts topic: every alert, fired and resolved, in Avro single-object encoding, keyed by
     * its condition so that an alert's resolution follows its firing.
     */
    public static KafkaSink<Alert> alertTopic(
            KafkaSinkSettings kafka, DeliveryGuarantee guarantee) {
        KafkaRecordSerializationSchema<Alert> serializer =
                KafkaRecordSerializationSchema.<Alert>builder()
                        .setTopic(kafka.alertTopic())
                        .setKeySerializationSchema(alert -> utf8(alert.getCondition()))
                        .setValueSerializationSchema(
                                alert -> bytes(() -> Alert.getEncoder().encode(alert)))
                        .build();
        return kafka(kafka, serializer, "alerts", guarantee);
    }

    /** The quality metrics table, written by upserts keyed by window. */
    public static JdbcSink<QualityMetrics> qualityMetricsTable(
            TargetSettings target, QualityMetricsTable table) {
        return jdbc(
                target,
                JdbcSink.<QualityMetrics>builder().withQueryStatement(table.upsertStatement()));
    }

    /** The alerts table, written by upserts keyed by alert id: fired, then resolved. */
    public static JdbcSink<Alert> alertsTable(TargetSettings target, AlertsTable table) {
        return jdbc(target, JdbcSink.<Alert>builder().withQueryStatement(table.upsertStatement()));
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
        return bytes(() -> ConflictRecord.getEncoder().encode(conflict));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes of an Avro encoding, which only fails for a record Avro cannot write. */
    private static byte[] bytes(EncodedBytes encoding) {
        try {
            ByteBuffer buffer = encoding.get();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    private interface EncodedBytes {
        ByteBuffer get() throws IOException;
    }
}

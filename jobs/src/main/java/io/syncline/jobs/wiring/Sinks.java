package io.syncline.jobs.wiring;

import io.syncline.jobs.config.EventStoreSettings;
import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.operators.alert.AlertsTable;
import io.syncline.operators.audit.AuditTable;
import io.syncline.operators.errors.ErrorQueueRejections;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.errors.ErrorsTableRejections;
import io.syncline.operators.jdbc.JdbcEndpoint;
import io.syncline.operators.jdbc.JdbcTableSink;
import io.syncline.operators.jdbc.RejectionHandler;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.protect.ErrorSealer;
import io.syncline.operators.quality.ObservationKeys;
import io.syncline.operators.quality.QualityMetricsTable;
import io.syncline.operators.resolve.ConflictsTable;
import io.syncline.operators.sink.AvroKafkaSerializer;
import io.syncline.operators.sink.EventStoreSerializer;
import io.syncline.operators.sink.TargetTable;
import io.syncline.operators.sink.VersionGuardedUpsert;
import io.syncline.schema.Alert;
import io.syncline.schema.AuditRecord;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.QualityMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerConfig;

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

    /**
     * The event store: every delivered change on the event topic, partitioned by entity type and
     * tenant and stamped with its source commit time, for {@code syncline replay}; its producer
     * compresses with {@code eventStore.compression}.
     */
    public static KafkaSink<ChangeEvent> eventStore(
            KafkaSinkSettings kafka, EventStoreSettings eventStore, DeliveryGuarantee guarantee) {
        Properties producer = producerProperties(kafka);
        producer.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, eventStore.compression());
        return kafka(
                kafka, new EventStoreSerializer(kafka.eventTopic()), "events", guarantee, producer);
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

    /**
     * The audit topic: every audit record in Avro single-object encoding, keyed by its audit id
     * (the topic is compacted by it), in Kafka transactions committed on checkpoints.
     */
    public static KafkaSink<AuditRecord> auditTopic(
            KafkaSinkSettings kafka, DeliveryGuarantee guarantee) {
        KafkaRecordSerializationSchema<AuditRecord> serializer =
                KafkaRecordSerializationSchema.<AuditRecord>builder()
                        .setTopic(kafka.auditTopic())
                        .setKeySerializationSchema(record -> utf8(record.getAuditId()))
                        .setValueSerializationSchema(
                                record -> bytes(() -> AuditRecord.getEncoder().encode(record)))
                        .build();
        return kafka(kafka, serializer, "audit", guarantee);
    }

    /** The audit table, appended to by inserts keyed by audit id. */
    public static JdbcTableSink<AuditRecord> auditTable(
            TargetSettings target, AuditTable table, ErrorsTable errors) {
        return jdbc(
                target,
                table.qualifiedName(),
                table.insertStatement(),
                ErrorQueueRejections.audit(errors));
    }

    /** The quality metrics table, written by upserts keyed by window. */
    public static JdbcTableSink<QualityMetrics> qualityMetricsTable(
            TargetSettings target, QualityMetricsTable table, ErrorsTable errors) {
        return jdbc(
                target,
                table.qualifiedName(),
                table.upsertStatement(),
                ErrorQueueRejections.qualityMetrics(errors));
    }

    /** The alerts table, written by upserts keyed by alert id: fired, then resolved. */
    public static JdbcTableSink<Alert> alertsTable(
            TargetSettings target, AlertsTable table, ErrorsTable errors) {
        return jdbc(
                target,
                table.qualifiedName(),
                table.upsertStatement(),
                ErrorQueueRejections.alerts(errors));
    }

    /**
     * One entity type's target table, written by version-guarded upserts; changes the table refuses
     * go to {@code errors}, from where they can be replayed.
     */
    public static JdbcTableSink<ChangeEvent> targetTable(
            TargetSettings target, TargetTable table, ErrorsTable errors) {
        return jdbc(
                target,
                table.qualifiedName(),
                new VersionGuardedUpsert(table),
                ErrorQueueRejections.changes(errors));
    }

    /**
     * As {@link #targetTable(TargetSettings, TargetTable, ErrorsTable)}, with the errors of refused
     * changes sealed by {@code sealer}, as every other error is.
     */
    public static JdbcTableSink<ChangeEvent> targetTable(
            TargetSettings target, TargetTable table, ErrorsTable errors, ErrorSealer sealer) {
        return jdbc(
                target,
                table.qualifiedName(),
                new VersionGuardedUpsert(table),
                ErrorQueueRejections.changes(errors).sealedBy(sealer));
    }

    /**
     * The errors table, written by idempotent inserts keyed by error id, so a redelivered error is
     * one row. An error the table refuses is logged, not sent to the error queue (this table): it
     * is on the error topic.
     */
    public static JdbcTableSink<ErrorRecord> errorsTable(TargetSettings target, ErrorsTable table) {
        return jdbc(
                target,
                table.qualifiedName(),
                table.insertStatement(),
                new ErrorsTableRejections());
    }

    /**
     * The conflicts table, written by upserts keyed by conflict id that only ever move a conflict
     * from open to resolved, so a redelivered or replayed conflict is one row in its latest state.
     */
    public static JdbcTableSink<ConflictRecord> conflictsTable(
            TargetSettings target, ConflictsTable table, ErrorsTable errors) {
        return jdbc(
                target,
                table.qualifiedName(),
                table.upsertStatement(),
                ErrorQueueRejections.conflicts(errors));
    }

    /**
     * A sink of one table of the target database, batched, retried and behind the database's
     * circuit breaker as {@code target} says.
     */
    private static <T> JdbcTableSink<T> jdbc(
            TargetSettings target,
            String table,
            JdbcQueryStatement<T> statement,
            RejectionHandler<T> rejections) {
        return JdbcTableSink.<T>builder()
                .endpoint(targetEndpoint(target))
                .table(table, statement)
                .rejections(rejections)
                .batches(target.batchSize(), target.batchInterval())
                .retry(target.retry())
                .circuitBreaker(target.circuitBreaker())
                .build();
    }

    /** The target database as its sinks connect to it. */
    static JdbcEndpoint targetEndpoint(TargetSettings target) {
        return new JdbcEndpoint(
                target.url(), target.username(), target.password(), "syncline-sink");
    }

    /**
     * How the producers ride out a broker outage, unless {@code sinks.kafka.properties} says
     * otherwise. A record is retried until {@code delivery.timeout.ms} after it was sent; a broker
     * that cannot be reached is tried again with exponential backoff ({@code reconnect.backoff.ms}
     * doubling, with 20 % jitter, up to {@code reconnect.backoff.max.ms}), and a request the broker
     * answered with a passing error after {@code retry.backoff.ms} (constant: the kafka-clients 3.4
     * that flink-connector-kafka 3.4 is built on has no {@code retry.backoff.max.ms}). A blocking
     * call (metadata, begin or commit of a transaction) gives up after {@code max.block.ms}. An
     * outage longer than that fails the sink's task; Flink restarts the job from its last
     * checkpoint, aborts the transactions the failed attempt left open and writes their records
     * again. Kafka needs no circuit breaker of Syncline's: these timeouts bound what a producer
     * tries, and the restart strategy's growing delays space out the attempts after it gave up.
     */
    static final Map<String, String> PRODUCER_DEFAULTS =
            Map.of(
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000",
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000",
                    ProducerConfig.RETRIES_CONFIG, String.valueOf(Integer.MAX_VALUE),
                    ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "200",
                    ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "200",
                    ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10000");

    /**
     * The producer settings of the job's Kafka sinks: {@link #PRODUCER_DEFAULTS}, then {@code
     * sinks.kafka.properties}, then the transaction timeout.
     */
    static Properties producerProperties(KafkaSinkSettings kafka) {
        Properties producer = new Properties();
        producer.putAll(PRODUCER_DEFAULTS);
        producer.putAll(kafka.properties());
        producer.setProperty(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                String.valueOf(kafka.transactionTimeout().toMillis()));
        return producer;
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
        return kafka(kafka, serializer, transactionalSuffix, guarantee, producerProperties(kafka));
    }

    private static <T> KafkaSink<T> kafka(
            KafkaSinkSettings kafka,
            KafkaRecordSerializationSchema<T> serializer,
            String transactionalSuffix,
            DeliveryGuarantee guarantee,
            Properties producer) {
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

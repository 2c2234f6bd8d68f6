package io.syncline.operators.sink;

import io.syncline.schema.ChangeEvent;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes changes to the event topic: Avro single-object encoding keyed by entity key, in the
 * partition of their entity type and tenant ({@link EventStorePartitions}), stamped with their
 * source commit time so that a replay's times are the sources' times. One entity is always in one
 * partition, so its changes keep their order.
 */
public final class EventStoreSerializer implements KafkaRecordSerializationSchema<ChangeEvent> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final AvroKafkaSerializer<ChangeEvent> changes;

    public EventStoreSerializer(String topic) {
        this.topic = topic;
        this.changes = AvroKafkaSerializer.changes(topic);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            ChangeEvent change, KafkaSinkContext context, Long timestamp) {
        long committed = change.getSourceCommitTime().toEpochMilli();
        ProducerRecord<byte[], byte[]> keyed = changes.serialize(change, context, committed);
        int partition =
                EventStorePartitions.of(
                        change.getTenant(),
                        change.getEntityType(),
                        context.getPartitionsForTopic(topic).length);
        return new ProducerRecord<>(topic, partition, committed, keyed.key(), keyed.value());
    }
}

package io.syncline.operators.sink;

import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ChangeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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

    public EventStoreSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            ChangeEvent change, KafkaSinkContext context, Long timestamp) {
        int partition =
                EventStorePartitions.of(
                        change.getTenant(),
                        change.getEntityType(),
                        context.getPartitionsForTopic(topic).length);
        return new ProducerRecord<>(
                topic,
                partition,
                change.getSourceCommitTime().toEpochMilli(),
                EntityKeys.of(change).getBytes(StandardCharsets.UTF_8),
                encode(change));
    }

    private static byte[] encode(ChangeEvent change) {
        try {
            ByteBuffer body = ChangeEvent.getEncoder().encode(change);
            byte[] bytes = new byte[body.remaining()];
            body.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

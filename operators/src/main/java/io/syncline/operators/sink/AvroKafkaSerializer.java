package io.syncline.operators.sink;

import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes Avro records to a Kafka topic in Avro's single-object encoding (schema fingerprint plus
 * binary body), keyed so that all records of one entity land in one partition, in order.
 */
public final class AvroKafkaSerializer<T> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<T, String> key;
    private final SerializableFunction<T, ByteBuffer> encode;

    private AvroKafkaSerializer(
            String topic,
            SerializableFunction<T, String> key,
            SerializableFunction<T, ByteBuffer> encode) {
        this.topic = topic;
        this.key = key;
        this.encode = encode;
    }

    /** Changes keyed by their entity key. */
    public static AvroKafkaSerializer<ChangeEvent> changes(String topic) {
        return new AvroKafkaSerializer<>(topic, EntityKeys::of, AvroKafkaSerializer::encode);
    }

    /** Errors keyed by their entity key where known, else by error id. */
    public static AvroKafkaSerializer<ErrorRecord> errors(String topic) {
        return new AvroKafkaSerializer<>(
                topic,
                error -> error.getKey() != null ? error.getKey() : error.getErrorId(),
                AvroKafkaSerializer::encode);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T element, KafkaSinkContext context, Long timestamp) {
        ByteBuffer body = encode.apply(element);
        byte[] value = new byte[body.remaining()];
        body.get(value);
        return new ProducerRecord<>(
                topic, null, timestamp, key.apply(element).getBytes(StandardCharsets.UTF_8), value);
    }

    private static ByteBuffer encode(ChangeEvent event) {
        try {
            return ChangeEvent.getEncoder().encode(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer encode(ErrorRecord error) {
        try {
            return ErrorRecord.getEncoder().encode(error);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

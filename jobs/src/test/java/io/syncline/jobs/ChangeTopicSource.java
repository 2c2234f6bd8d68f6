package io.syncline.jobs;

import io.syncline.operators.decode.CdcChangeDeserializer;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A topic of already decoded {@link ChangeEvent}s as a change source, read up to its end: what a
 * topic source delivers to decode, so tests can deliver changes twice or out of order.
 */
final class ChangeTopicSource {

    private ChangeTopicSource() {}

    /** Reads {@code topic} from its beginning to the end it has when the job starts. */
    static KafkaSource<Either<ErrorRecord, ChangeEvent>> of(String bootstrapServers, String topic) {
        return builder(bootstrapServers, topic).setBounded(OffsetsInitializer.latest()).build();
    }

    /** Reads {@code topic} from its beginning on, as long as the job runs. */
    static KafkaSource<Either<ErrorRecord, ChangeEvent>> unbounded(
            String bootstrapServers, String topic) {
        return builder(bootstrapServers, topic).build();
    }

    private static KafkaSourceBuilder<Either<ErrorRecord, ChangeEvent>> builder(
            String bootstrapServers, String topic) {
        return KafkaSource.<Either<ErrorRecord, ChangeEvent>>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId("test-" + topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new Deserializer());
    }

    /** Writes {@code changes} to one partition of {@code topic}, in this order. */
    static void publish(String bootstrapServers, String topic, List<ChangeEvent> changes)
            throws Exception {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ChangeEvent change : changes) {
                ByteBuffer bytes = change.toByteBuffer();
                byte[] value = new byte[bytes.remaining()];
                bytes.get(value);
                producer.send(new ProducerRecord<>(topic, 0, null, value))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static final class Deserializer
            implements KafkaRecordDeserializationSchema<Either<ErrorRecord, ChangeEvent>> {

        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(
                ConsumerRecord<byte[], byte[]> record,
                Collector<Either<ErrorRecord, ChangeEvent>> out)
                throws java.io.IOException {
            out.collect(Either.Right(ChangeEvent.fromByteBuffer(ByteBuffer.wrap(record.value()))));
        }

        @Override
        public TypeInformation<Either<ErrorRecord, ChangeEvent>> getProducedType() {
            return CdcChangeDeserializer.decodedType();
        }
    }
}

package io.syncline.jobs.savepoint;

import io.syncline.jobs.TopicReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.avro.message.MessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads the job's output topics (Avro single-object encoded records) as a downstream reader. */
final class FixtureTopics {

    private final String bootstrapServers;

    FixtureTopics(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * The committed records of {@code topic}, decoded, once {@code done} holds for them (or after
     * {@code timeout}), plus what arrives in a second more.
     */
    <T> List<T> read(
            String topic, MessageDecoder<T> decoder, Predicate<List<T>> done, Duration timeout) {
        try (TopicReader reader = new TopicReader(bootstrapServers, topic)) {
            List<T> decoded = new ArrayList<>();
            List<ConsumerRecord<byte[], byte[]>> all =
                    reader.readUntil(
                            records -> done.test(decodeNew(records, decoder, decoded)),
                            timeout,
                            Duration.ofSeconds(1));
            return decodeNew(all, decoder, decoded);
        }
    }

    /** Adds the records past those already in {@code into}, decoded, to it. */
    private static <T> List<T> decodeNew(
            List<ConsumerRecord<byte[], byte[]>> records, MessageDecoder<T> decoder, List<T> into) {
        for (ConsumerRecord<byte[], byte[]> record : records.subList(into.size(), records.size())) {
            try {
                into.add(decoder.decode(ByteBuffer.wrap(record.value())));
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable record in " + record.topic(), e);
            }
        }
        return into;
    }

    /**
     * The end offset of every partition of {@code topics}, transactions still open included: it
     * moves with every record a producer writes.
     */
    Map<TopicPartition, Long> endOffsets(Collection<String> topics) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic)
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            return consumer.endOffsets(partitions);
        }
    }
}

package io.syncline.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from the beginning as a downstream reader would, with {@code read_committed}, so
 * only what the job's transactions committed is seen, in partition order.
 */
public final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

    public TopicReader(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, Map.of());
    }

    /** A reader with further client settings, e.g. those of TLS. */
    public TopicReader(String bootstrapServers, String topic, Map<String, String> client) {
        Properties properties = new Properties();
        properties.putAll(client);
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + topic);
        consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
    }

    /**
     * Reads until {@code done} holds for everything read so far, or {@code timeout} passes, then
     * keeps reading for {@code quiet} more so that anything extra (a duplicate) shows up too.
     */
    public List<ConsumerRecord<byte[], byte[]>> readUntil(
            Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration timeout,
            Duration quiet) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(records) && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        long quietEnd = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < quietEnd) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return List.copyOf(records);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}

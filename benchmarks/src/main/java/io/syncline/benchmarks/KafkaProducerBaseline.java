package io.syncline.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The baseline of Kafka writes: a plain transactional producer (producer defaults, as Flink's
 * KafkaSink uses them) writing the very records a job wrote, committing a transaction every
 * checkpoint interval as the exactly-once sink does.
 */
final class KafkaProducerBaseline {

    private KafkaProducerBaseline() {}

    /** Reads {@code expected} records of {@code topic} ({@code read_committed}) into memory. */
    static List<ProducerRecord<byte[], byte[]>> readBack(
            String bootstrapServers, String topic, String targetTopic, long expected) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        properties.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    records.add(new ProducerRecord<>(targetTopic, record.key(), record.value()));
                }
            }
        }
        return records;
    }

    /**
     * Writes the records in transactions of {@code commitEvery} and returns the records per second
     * from the first send until the last commit returned.
     */
    static double write(
            String bootstrapServers,
            List<ProducerRecord<byte[], byte[]>> records,
            Duration commitEvery) {
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-baseline-" + UUID.randomUUID());
        properties.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "300000");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            long startNanos = System.nanoTime();
            long transactionStart = startNanos;
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record);
                long now = System.nanoTime();
                if (now - transactionStart >= commitEvery.toNanos()) {
                    producer.commitTransaction();
                    producer.beginTransaction();
                    transactionStart = now;
                }
            }
            producer.commitTransaction();
            return records.size() / ((System.nanoTime() - startNanos) / 1e9);
        }
    }
}

package io.syncline.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedKafkaBrokerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void readCommittedConsumerSeesOnlyCommittedTransactions() throws Exception {
        String topic = "txn-" + UUID.randomUUID();
        KAFKA.createTopic(topic, 2);

        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();

            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "committed-" + i));
            }
            producer.commitTransaction();

            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, "a" + i, "aborted-" + i));
            }
            producer.flush();
            producer.abortTransaction();
        }

        // The coordinator writes the commit/abort markers after answering the producer.
        Map<TopicPartition, Long> end = awaitNoOpenTransactions(topic);

        List<String> committedView = readUntil(topic, end, IsolationLevel.READ_COMMITTED);
        assertThat(committedView)
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, 10)
                                .mapToObj(i -> "committed-" + i)
                                .collect(Collectors.toList()));

        // The aborted records really are in the log; only read_committed hides them.
        List<String> uncommittedView = readUntil(topic, end, IsolationLevel.READ_UNCOMMITTED);
        assertThat(uncommittedView).hasSize(15).contains("aborted-0", "aborted-4");
    }

    @Test
    void createTopicIsIdempotent() throws Exception {
        KAFKA.createTopic("idempotent-topic", 3);
        KAFKA.createTopic("idempotent-topic", 3);

        try (Admin admin = admin()) {
            assertThat(
                            admin.describeTopics(List.of("idempotent-topic"))
                                    .allTopicNames()
                                    .get()
                                    .get("idempotent-topic")
                                    .partitions())
                    .hasSize(3);
        }
    }

    private Map<TopicPartition, Long> awaitNoOpenTransactions(String topic) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < 2; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            while (true) {
                Map<TopicPartition, Long> highWatermarks = endOffsets(admin, request, null);
                Map<TopicPartition, Long> lastStable =
                        endOffsets(admin, request, IsolationLevel.READ_COMMITTED);
                if (highWatermarks.equals(lastStable)) {
                    return lastStable;
                }
                assertThat(System.nanoTime()).as("markers written in time").isLessThan(deadline);
            }
        }
    }

    private static Map<TopicPartition, Long> endOffsets(
            Admin admin, Map<TopicPartition, OffsetSpec> request, IsolationLevel isolation)
            throws Exception {
        ListOffsetsOptions options =
                isolation == null ? new ListOffsetsOptions() : new ListOffsetsOptions(isolation);
        return admin.listOffsets(request, options).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** Reads with a consumer group until the consumer's position reaches the given offsets. */
    private List<String> readUntil(
            String topic, Map<TopicPartition, Long> end, IsolationLevel isolation) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "group-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolation.toString().toLowerCase(Locale.ROOT));
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!reached(consumer, end)) {
                assertThat(System.nanoTime()).as("consumed in time").isLessThan(deadline);
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    private static boolean reached(
            KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        if (!consumer.assignment().containsAll(end.keySet())) {
            return false;
        }
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static KafkaProducer<String, String> transactionalProducer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "txn-" + UUID.randomUUID());
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static Admin admin() {
        return Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()));
    }
}

package io.syncline.operators.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The landing topic on Kafka: an idempotent producer with {@code acks=all}, waited on for every
 * record, so a change is acknowledged only once all in-sync replicas have it. Keyed by event id.
 */
public final class KafkaLandingTopic implements LandingTopic {

    private final String topic;
    private final Duration timeout;
    private final KafkaProducer<byte[], byte[]> producer;

    /**
     * @param topic the landing topic
     * @param clientProperties the Kafka client settings (bootstrap servers, TLS), as they are
     * @param timeout how long one request may wait for Kafka before the sender is told to retry
     */
    public KafkaLandingTopic(String topic, Map<String, String> clientProperties, Duration timeout) {
        this.topic = topic;
        this.timeout = timeout;
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        int millis = (int) timeout.toMillis();
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(config);
    }

    @Override
    public void write(List<WebhookBody.Change> changes) throws LandingUnavailableException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            List<Future<RecordMetadata>> sent = new ArrayList<>(changes.size());
            for (WebhookBody.Change change : changes) {
                sent.add(
                        producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        change.eventId().getBytes(StandardCharsets.UTF_8),
                                        change.json())));
            }
            for (Future<RecordMetadata> record : sent) {
                record.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException | KafkaException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new LandingUnavailableException(
                    "Kafka did not confirm the write to " + topic + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LandingUnavailableException("the receiver is stopping", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

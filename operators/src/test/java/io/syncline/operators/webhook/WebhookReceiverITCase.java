package io.syncline.operators.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The receiver against a real broker, over real HTTP: what each answer means for what the landing
 * topic holds.
 */
class WebhookReceiverITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final String SECRET = "receiver-secret";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<WebhookReceiver> receivers = new ArrayList<>();

    @AfterEach
    void stopReceivers() {
        receivers.forEach(WebhookReceiver::close);
    }

    @Test
    void acknowledgesOnceEveryChangeOfABatchIsInTheLandingTopic() throws Exception {
        String topic = "webhook-receiver-batch";
        KAFKA.createTopic(topic, 1);
        WebhookReceiver receiver = receiver(topic, KAFKA.bootstrapServers());

        HttpResponse<String> answer =
                post(
                        receiver,
                        "b-1",
                        "[{\"eventId\":\"a\",\"op\":\"upsert\"},{\"op\":\"delete\"}]",
                        SECRET);

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(answer.body())
                .isEqualTo("{\"status\":202,\"message\":\"accepted 2 change(s)\"}");
        assertThat(landed(topic))
                .containsExactly(
                        "a={\"eventId\":\"a\",\"op\":\"upsert\"}", "b-1/1={\"op\":\"delete\"}");
        assertThat(receiver.accepted()).isEqualTo(2);
    }

    @Test
    void refusesABadSignatureAndWritesNothing() throws Exception {
        String topic = "webhook-receiver-unsigned";
        KAFKA.createTopic(topic, 1);
        WebhookReceiver receiver = receiver(topic, KAFKA.bootstrapServers());

        HttpResponse<String> answer = post(receiver, "e-1", "{\"op\":\"upsert\"}", "wrong");

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body())
                .isEqualTo(
                        "{\"status\":401,\"message\":\"the signature does not match the body;"
                                + " compute sha256=<hex HMAC-SHA256(secret, timestamp + \\\".\\\""
                                + " + body)> over the exact bytes sent, with the configured"
                                + " secret\"}");
        assertThat(landed(topic)).isEmpty();
        assertThat(receiver.unauthorized()).isEqualTo(1);
    }

    @Test
    void refusesMalformedBodiesAndWritesNothing() throws Exception {
        String topic = "webhook-receiver-malformed";
        KAFKA.createTopic(topic, 1);
        WebhookReceiver receiver = receiver(topic, KAFKA.bootstrapServers());

        HttpResponse<String> notJson = post(receiver, "e-1", "{\"op\":", SECRET);
        HttpResponse<String> noId = post(receiver, null, "{\"op\":\"upsert\"}", SECRET);
        HttpResponse<String> tooLarge =
                post(receiver, "e-2", "[" + "{},".repeat(400) + "{}]", SECRET);

        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body())
                .startsWith("{\"status\":400,\"message\":\"the body is not JSON: ");
        assertThat(noId.statusCode()).isEqualTo(400);
        assertThat(noId.body()).contains("the change has no event id");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body())
                .isEqualTo(
                        "{\"status\":413,\"message\":\"the body is larger than 1024 bytes; send"
                                + " smaller batches\"}");
        assertThat(landed(topic)).isEmpty();
        assertThat(receiver.malformed()).isEqualTo(3);
    }

    @Test
    void answers503WhenKafkaCannotConfirm() throws Exception {
        // Nothing listens on the port of a closed server socket.
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        WebhookReceiver receiver = receiver("webhook-receiver-down", "localhost:" + closedPort);

        HttpResponse<String> answer = post(receiver, "e-1", "{\"op\":\"upsert\"}", SECRET);

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(answer.body())
                .isEqualTo(
                        "{\"status\":503,\"message\":\"the changes could not be made durable;"
                                + " send the same request again\"}");
        assertThat(receiver.unavailable()).isEqualTo(1);
    }

    @Test
    void refusesOtherMethods() throws Exception {
        WebhookReceiver receiver = receiver("webhook-receiver-get", KAFKA.bootstrapServers());

        HttpResponse<String> answer =
                HTTP.send(
                        HttpRequest.newBuilder(uri(receiver)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(405);
        assertThat(answer.headers().firstValue("Allow")).hasValue("POST");
    }

    private WebhookReceiver receiver(String topic, String bootstrapServers) throws Exception {
        WebhookReceiver receiver =
                new WebhookReceiver(
                        "shop",
                        new InetSocketAddress("localhost", 0),
                        "/changes",
                        new HmacVerifier(SECRET, Duration.ofMinutes(5), Clock.systemUTC()),
                        new KafkaLandingTopic(
                                topic,
                                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                                Duration.ofSeconds(2)),
                        1024,
                        2);
        receivers.add(receiver);
        return receiver;
    }

    private static URI uri(WebhookReceiver receiver) {
        return URI.create("http://localhost:" + receiver.port() + "/changes");
    }

    private static HttpResponse<String> post(
            WebhookReceiver receiver, String eventId, String body, String secret) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri(receiver))
                        .header(HmacVerifier.TIMESTAMP_HEADER, timestamp)
                        .header(
                                HmacVerifier.SIGNATURE_HEADER,
                                HmacVerifier.sign(secret, timestamp, bytes))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (eventId != null) {
            request.header(WebhookBody.EVENT_ID_HEADER, eventId);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Everything in partition 0 of {@code topic}, as {@code key=value}, up to its end. */
    private static List<String> landed(String topic) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition partition = new TopicPartition(topic, 0);
        List<String> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    records.add(
                            new String(record.key(), StandardCharsets.UTF_8)
                                    + "="
                                    + new String(record.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return records;
    }
}

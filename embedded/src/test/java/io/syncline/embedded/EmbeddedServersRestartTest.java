package io.syncline.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Crash and restart of the servers, as the fault-tolerance tests use them, on servers of their own.
 */
class EmbeddedServersRestartTest {

    @Test
    void postgresCrashDropsConnectionsAndRestartRecoversCommittedDataAndSlots() throws Exception {
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start()) {
            int port = server.port();
            server.createDatabase("crash_db");
            server.execute(
                    "crash_db",
                    "CREATE TABLE t (id int PRIMARY KEY)",
                    "INSERT INTO t VALUES (1), (2)",
                    "SELECT pg_create_logical_replication_slot('crash_slot', 'pgoutput')");
            Connection open = server.connect("crash_db");
            long pid = server.postmasterPid().orElseThrow();

            server.crash();

            assertThat(Local.isRunning(pid)).as("postmaster running").isFalse();
            assertThatThrownBy(() -> query(open, "SELECT count(*) FROM t"))
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> server.connect("crash_db")).isInstanceOf(SQLException.class);

            server.restart();

            assertThat(server.port()).isEqualTo(port);
            try (Connection c = server.connect("crash_db")) {
                assertThat(query(c, "SELECT count(*) FROM t")).isEqualTo("2");
                assertThat(
                                query(
                                        c,
                                        "SELECT count(*) FROM pg_replication_slots"
                                                + " WHERE slot_name = 'crash_slot'"))
                        .isEqualTo("1");
            }
            assertThatThrownBy(server::restart).hasMessageContaining("still running");
        }
    }

    @Test
    void kafkaShutDownAndRestartKeepsTopicsAndRecords() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopic("restart-topic", 1);
            produce(broker, "before");

            broker.shutDown();
            broker.restart();

            produce(broker, "after");
            assertThat(consume(broker, "restart-topic", 2)).containsExactly("before", "after");
        }
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }

    private static void produce(EmbeddedKafkaBroker broker, String value) throws Exception {
        Map<String, Object> config =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("restart-topic", value)).get();
        }
    }

    private static List<String> consume(EmbeddedKafkaBroker broker, String topic, int count) {
        Properties config = new Properties();
        config.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "restart-reader");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}

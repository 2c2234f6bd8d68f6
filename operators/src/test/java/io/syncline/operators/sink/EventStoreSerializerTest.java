package io.syncline.operators.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema.KafkaSinkContext;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class EventStoreSerializerTest {

    private static final Instant COMMITTED = Instant.parse("2026-11-26T07:30:00.123Z");

    @Test
    void recordIsKeyedByEntityStampedWithCommitTimeAndDecodesToAnEqualChange() throws Exception {
        ChangeEvent change = change("acme", "customer", "42");

        ProducerRecord<byte[], byte[]> record =
                new EventStoreSerializer("syncline.events")
                        .serialize(change, new Partitions(6, 0), 1_000L);

        assertThat(record.topic()).isEqualTo("syncline.events");
        assertThat(record.timestamp()).isEqualTo(COMMITTED.toEpochMilli());
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("acme/customer/42");
        assertThat(ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value())))
                .isEqualTo(change);
        assertThat(record.partition()).isEqualTo(EventStorePartitions.of("acme", "customer", 6));
    }

    @Test
    void everyEntityOfATenantsEntityTypeGoesToOnePartitionWhicheverWriterSendsIt() {
        EventStoreSerializer serializer = new EventStoreSerializer("syncline.events");

        assertThat(
                        IntStream.range(0, 50)
                                .mapToObj(
                                        id ->
                                                serializer
                                                        .serialize(
                                                                change(
                                                                        "globex",
                                                                        "contract",
                                                                        String.valueOf(id)),
                                                                new Partitions(6, id % 3),
                                                                null)
                                                        .partition())
                                .distinct())
                .containsExactly(EventStorePartitions.of("globex", "contract", 6));
    }

    @Test
    void partitionsArePinnedSoThatARestartOrAnUpgradeKeepsThem() {
        // Kafka's murmur2 of "tenant\u001fentityType": the same in every JVM and version.
        assertThat(EventStorePartitions.of("acme", "customer", 6)).isZero();
        assertThat(EventStorePartitions.of("globex", "customer", 6)).isEqualTo(2);
        assertThat(EventStorePartitions.of("acme", "contract", 6)).isEqualTo(2);
        assertThat(EventStorePartitions.of("acme", "customer", 1)).isZero();
    }

    private static ChangeEvent change(String tenant, String entityType, String id) {
        return ChangeEvent.newBuilder()
                .setEventId("crm/1/" + tenant + "/" + entityType + "/" + id)
                .setTenant(tenant)
                .setEntityType(entityType)
                .setEntityId(id)
                .setOp(Operation.UPDATE)
                .setAfter(Map.of("id", new FieldValue(FieldKind.STRING, id)))
                .setSourceCommitTime(COMMITTED)
                .setCaptureTime(COMMITTED.plusMillis(40))
                .setSourceId("crm")
                .setSourcePosition("1")
                .setVersion(3L)
                .build();
    }

    /** A sink context of a topic with {@code partitions} partitions, as writer {@code writer}. */
    private record Partitions(int partitions, int writer) implements KafkaSinkContext {

        @Override
        public int getParallelInstanceId() {
            return writer;
        }

        @Override
        public int getNumberOfParallelInstances() {
            return 3;
        }

        @Override
        public int[] getPartitionsForTopic(String topic) {
            return IntStream.range(0, partitions).toArray();
        }
    }
}

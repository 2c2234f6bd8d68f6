package io.syncline.operators.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.SchemaNormalization;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema.KafkaSinkContext;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class AvroKafkaSerializerTest {

    private static final KafkaSinkContext CONTEXT = new FixedSinkContext();

    private static final ChangeEvent CHANGE =
            ChangeEvent.newBuilder()
                    .setEventId("shop-db/24023128/acme/order/42/3")
                    .setTenant("acme")
                    .setEntityType("order_line")
                    .setEntityId("42/3")
                    .setOp(Operation.UPDATE)
                    .setBefore(Map.of("sku", new FieldValue(FieldKind.STRING, "SKU-1")))
                    .setAfter(
                            Map.of(
                                    "sku", new FieldValue(FieldKind.STRING, "SKU-2"),
                                    "blob",
                                            new FieldValue(
                                                    FieldKind.BYTES,
                                                    ByteBuffer.wrap(new byte[] {1, 2, 3}))))
                    .setSourceCommitTime(Instant.parse("2024-01-15T10:30:45.123Z"))
                    .setCaptureTime(Instant.parse("2024-01-15T10:30:45.250Z"))
                    .setSourceId("shop-db")
                    .setSourcePosition("24023128")
                    .setVersion(24_023_128L)
                    .setTransactionId("771")
                    .build();

    private static final ErrorRecord KEYED_ERROR =
            error("3f1c8a52-0d1e-3b8e-9a57-6f0b7e1d2c4a", "acme/store/7");

    private static final ErrorRecord UNKEYED_ERROR =
            error("9b2d7e41-5c6a-3f0e-8d21-4a7c9e0b1f35", null);

    @Test
    void changeIsKeyedByEntityAndDecodesToAnEqualRecord() throws Exception {
        ProducerRecord<byte[], byte[]> record =
                AvroKafkaSerializer.changes("syncline.changes")
                        .serialize(CHANGE, CONTEXT, 1_705_314_645_300L);

        assertThat(record.topic()).isEqualTo("syncline.changes");
        assertThat(record.partition()).isNull();
        assertThat(record.timestamp()).isEqualTo(1_705_314_645_300L);
        assertThat(new String(record.key(), StandardCharsets.UTF_8))
                .isEqualTo("acme/order_line/42/3");
        assertThat(ChangeEvent.getDecoder().decode(record.value())).isEqualTo(CHANGE);
    }

    @Test
    void errorWithKeyIsKeyedByIt() throws Exception {
        ProducerRecord<byte[], byte[]> record =
                AvroKafkaSerializer.errors("syncline.errors").serialize(KEYED_ERROR, CONTEXT, null);

        assertThat(record.topic()).isEqualTo("syncline.errors");
        assertThat(record.timestamp()).isNull();
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("acme/store/7");
        assertThat(ErrorRecord.getDecoder().decode(record.value())).isEqualTo(KEYED_ERROR);
    }

    @Test
    void errorWithoutKeyIsKeyedByItsId() throws Exception {
        ProducerRecord<byte[], byte[]> record =
                AvroKafkaSerializer.errors("syncline.errors")
                        .serialize(UNKEYED_ERROR, CONTEXT, null);

        assertThat(new String(record.key(), StandardCharsets.UTF_8))
                .isEqualTo("9b2d7e41-5c6a-3f0e-8d21-4a7c9e0b1f35");
        assertThat(ErrorRecord.getDecoder().decode(record.value())).isEqualTo(UNKEYED_ERROR);
    }

    @Test
    void valueIsAvroSingleObjectEncoding() {
        byte[] value =
                AvroKafkaSerializer.changes("syncline.changes")
                        .serialize(CHANGE, CONTEXT, null)
                        .value();

        // Marker C3 01, then the schema's 8-byte fingerprint, then the binary body.
        assertThat(value[0]).isEqualTo((byte) 0xC3);
        assertThat(value[1]).isEqualTo((byte) 0x01);
        assertThat(ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong())
                .isEqualTo(SchemaNormalization.parsingFingerprint64(ChangeEvent.getClassSchema()));
    }

    @Test
    void serializingDoesNotConsumeTheEventsBytes() throws Exception {
        AvroKafkaSerializer<ChangeEvent> serializer =
                AvroKafkaSerializer.changes("syncline.changes");

        byte[] first = serializer.serialize(CHANGE, CONTEXT, null).value();
        byte[] second = serializer.serialize(CHANGE, CONTEXT, null).value();

        assertThat(second).isEqualTo(first);
        assertThat(((ByteBuffer) CHANGE.getAfter().get("blob").getValue()).remaining())
                .isEqualTo(3);
    }

    @Test
    void serializersSurviveJavaSerialization() throws Exception {
        // Flink ships the serializer to the task managers.
        AvroKafkaSerializer<ChangeEvent> changes =
                InstantiationUtil.clone(AvroKafkaSerializer.changes("syncline.changes"));
        AvroKafkaSerializer<ErrorRecord> errors =
                InstantiationUtil.clone(AvroKafkaSerializer.errors("syncline.errors"));

        ProducerRecord<byte[], byte[]> change = changes.serialize(CHANGE, CONTEXT, null);
        ProducerRecord<byte[], byte[]> error = errors.serialize(UNKEYED_ERROR, CONTEXT, null);

        assertThat(change.topic()).isEqualTo("syncline.changes");
        assertThat(new String(change.key(), StandardCharsets.UTF_8))
                .isEqualTo("acme/order_line/42/3");
        assertThat(ChangeEvent.getDecoder().decode(change.value())).isEqualTo(CHANGE);
        assertThat(new String(error.key(), StandardCharsets.UTF_8))
                .isEqualTo(UNKEYED_ERROR.getErrorId());
    }

    private static ErrorRecord error(String errorId, String key) {
        return ErrorRecord.newBuilder()
                .setErrorId(errorId)
                .setStage("decode")
                .setErrorClass(ErrorClass.PERMANENT)
                .setCode("UNSUPPORTED_TYPE")
                .setMessage("column 'location' has type io.debezium.data.geometry.Point")
                .setPayload("Struct{after=Struct{id=7}}")
                .setKey(key)
                .setTenant(key == null ? null : "acme")
                .setEntityType(key == null ? null : "store")
                .setSourceId("shop-db")
                .setSourcePosition("24023128")
                .setTime(Instant.parse("2024-01-15T10:31:00Z"))
                .build();
    }

    /** The sink's view of one subtask writing to a topic with three partitions. */
    private static final class FixedSinkContext implements KafkaSinkContext {
        @Override
        public int getParallelInstanceId() {
            return 0;
        }

        @Override
        public int getNumberOfParallelInstances() {
            return 1;
        }

        @Override
        public int[] getPartitionsForTopic(String topic) {
            return new int[] {0, 1, 2};
        }
    }
}

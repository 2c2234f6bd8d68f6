package io.syncline.operators.decode.debezium;

import static io.syncline.operators.decode.debezium.DebeziumSamples.BINDINGS;
import static io.syncline.operators.decode.debezium.DebeziumSamples.NOW;
import static io.syncline.operators.decode.debezium.DebeziumSamples.TOPIC;
import static io.syncline.operators.decode.debezium.DebeziumSamples.decoded;
import static io.syncline.operators.decode.debezium.DebeziumSamples.rejected;
import static io.syncline.operators.decode.debezium.DebeziumSamples.resource;
import static io.syncline.operators.decode.debezium.DebeziumSamples.row;
import static io.syncline.operators.decode.debezium.DebeziumSamples.text;
import static io.syncline.operators.decode.debezium.DebeziumSamples.typedOrderRow;
import static io.syncline.operators.decode.debezium.DebeziumSamples.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.embedded.SchemaRegistryStandIn;
import io.syncline.operators.decode.DecodeOutcome;
import io.syncline.operators.decode.TableBinding;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.Operation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Decodes Debezium messages written by Confluent's AvroConverter, their schemas served by a real
 * HTTP registry (the stand-in). The samples in {@code debezium/avro/} are the schemas such a
 * connector registers ({@code *.avsc}) and the records it writes, in Avro's JSON encoding.
 */
class DebeziumAvroDecoderTest {

    private static SchemaRegistryStandIn registry;
    private static DebeziumAvroDecoder decoder;

    private final DebeziumJsonDecoder jsonDecoder =
            new DebeziumJsonDecoder("dbz", BINDINGS, Set.of("acme", "globex"));

    @BeforeAll
    static void startRegistry() {
        registry = SchemaRegistryStandIn.start();
        decoder = decoderFor(BINDINGS);
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void decodesAPostgresCreateAsItsJsonTwinDecodes() {
        ChangeEvent event =
                decoded(
                        decoder.decode(
                                TOPIC,
                                0,
                                7,
                                avro("postgres-customers-key.avsc", "{\"id\": 1}", TOPIC + "-key"),
                                avro("postgres-customers-value.avsc", "postgres-create.json"),
                                NOW));

        assertThat(event)
                .isEqualTo(
                        decoded(
                                jsonDecoder.decode(
                                        TOPIC,
                                        0,
                                        7,
                                        null,
                                        resource("postgres-create-with-schema.json"),
                                        NOW)));
        assertThat(event.getEventId()).isEqualTo("dbz/24023128/acme/customer/1");
        assertThat(event.getOp()).isEqualTo(Operation.CREATE);
        assertThat(event.getAfter())
                .containsExactlyEntriesOf(
                        row(
                                "id", value(FieldKind.INT, 1),
                                "tenant_id", value(FieldKind.STRING, "acme"),
                                "first_name", value(FieldKind.STRING, "Anne"),
                                "last_name", value(FieldKind.STRING, "Kretchmar"),
                                "email", value(FieldKind.STRING, "annek@noanswer.org")));
        assertThat(event.getVersion()).isEqualTo(24023128L);
        assertThat(event.getTransactionId()).isEqualTo("555");
        assertThat(event.getSourceCommitTime()).isEqualTo(Instant.ofEpochMilli(1559033904863L));
    }

    @Test
    void mapsDebeziumSemanticTypesByTheirConnectNames() {
        ChangeEvent event =
                decoded(
                        decoder.decode(
                                "PostgreSQL_server.public.orders",
                                0,
                                1,
                                null,
                                avro("postgres-orders-value.avsc", "postgres-typed-values.json"),
                                NOW));

        assertThat(event.getAfter()).containsExactlyEntriesOf(typedOrderRow());
        assertThat(event)
                .isEqualTo(
                        decoded(
                                jsonDecoder.decode(
                                        "PostgreSQL_server.public.orders",
                                        0,
                                        1,
                                        null,
                                        resource("postgres-typed-values-with-schema.json"),
                                        NOW)));
    }

    @Test
    void decodesAMySqlDeleteByItsBeforeImageAndBinlogPosition() {
        ChangeEvent event =
                decoded(
                        decoder.decode(
                                "mysql-server-1.inventory.customers",
                                1,
                                40,
                                null,
                                avro("mysql-customers-value.avsc", "mysql-delete.json"),
                                NOW));

        assertThat(event.getEventId()).isEqualTo("dbz/mysql-bin.000003:805/globex/customer/1004");
        assertThat(event.getOp()).isEqualTo(Operation.DELETE);
        assertThat(event.getTenant()).isEqualTo("globex");
        assertThat(event.getEntityId()).isEqualTo("1004");
        assertThat(event.getAfter()).isNull();
        assertThat(event.getBefore())
                .containsExactlyEntriesOf(
                        row(
                                "id", value(FieldKind.INT, 1004),
                                "tenant_id", value(FieldKind.STRING, "globex"),
                                "first_name", value(FieldKind.STRING, "Anne Marie"),
                                "last_name", value(FieldKind.STRING, "Kretchmar"),
                                "email", value(FieldKind.STRING, "annek@noanswer.org")));
        assertThat(event.getSourcePosition()).isEqualTo("mysql-bin.000003:805");
        assertThat(event.getVersion()).isEqualTo((3L << 32) + 805);
        assertThat(event.getSourceCommitTime()).isEqualTo(Instant.ofEpochMilli(1465581902000L));
        assertThat(event.getCaptureTime()).isEqualTo(Instant.ofEpochMilli(1465581902461L));
        assertThat(event.getTransactionId()).isEqualTo("file=mysql-bin.000003,pos=805");
    }

    @Test
    void skipsTombstonesTransactionMetadataAndSchemaChanges() {
        assertThat(decoder.decode(TOPIC, 0, 9, new byte[] {0, 0, 0, 0, 1, 2}, null, NOW))
                .isEqualTo(new DecodeOutcome.Skipped("tombstone"));
        assertThat(
                        decoder.decode(
                                "PostgreSQL_server.transaction",
                                0,
                                3,
                                null,
                                avro("transaction-metadata-value.avsc", "transaction-end.json"),
                                NOW))
                .isEqualTo(new DecodeOutcome.Skipped("transaction boundary"));
        assertThat(
                        decoder.decode(
                                "mysql-server-1",
                                0,
                                4,
                                null,
                                avro("mysql-schema-change-value.avsc", "mysql-schema-change.json"),
                                NOW))
                .isEqualTo(new DecodeOutcome.Skipped("schema change"));
    }

    @Test
    void rejectsAnUnknownSchemaIdWithTheMessageKept() {
        byte[] message = avro("postgres-customers-value.avsc", "postgres-create.json");
        ByteBuffer.wrap(message).putInt(1, 987654);

        ErrorRecord error = rejected(decoder.decode(TOPIC, 2, 31, null, message, NOW));

        assertThat(error.getCode()).isEqualTo(ErrorCodes.DEBEZIUM_UNKNOWN_SCHEMA);
        assertThat(error.getErrorClass()).isEqualTo(ErrorClass.PERMANENT);
        assertThat(error.getStage()).isEqualTo("decode");
        assertThat(error.getSourceId()).isEqualTo("dbz");
        assertThat(error.getSourcePosition()).isEqualTo(TOPIC + "-2@31");
        assertThat(error.getMessage())
                .isEqualTo(
                        "message "
                                + TOPIC
                                + "-2@31 cannot be read: schema registry "
                                + registry.url()
                                + " has no schema with id 987654; was the message written against"
                                + " another registry?; point sources[].schemaRegistry.url at the"
                                + " registry the connector writes to, then replay the message from"
                                + " the error queue");
        assertThat(Base64.getDecoder().decode(error.getPayload())).isEqualTo(message);
    }

    @Test
    void rejectsAMessageNotInTheWireFormat() {
        ErrorRecord json =
                rejected(
                        decoder.decode(
                                TOPIC,
                                0,
                                5,
                                null,
                                resource("postgres-create-with-schema.json"),
                                NOW));
        ErrorRecord short_ = rejected(decoder.decode(TOPIC, 0, 6, null, new byte[] {0, 0, 1}, NOW));

        assertThat(json.getCode()).isEqualTo(ErrorCodes.DEBEZIUM_MALFORMED);
        assertThat(json.getMessage())
                .isEqualTo(
                        "message "
                                + TOPIC
                                + "-0@5 is not in the Confluent Avro wire format (magic byte 123"
                                + " instead of 0); write the topic with"
                                + " io.confluent.connect.avro.AvroConverter or set the source's"
                                + " format to json");
        assertThat(short_.getCode()).isEqualTo(ErrorCodes.DEBEZIUM_MALFORMED);
        assertThat(short_.getMessage()).contains("(3 bytes, fewer than the 5 of its header)");
    }

    @Test
    void rejectsATruncatedOrOverlongBody() {
        byte[] message = avro("postgres-customers-value.avsc", "postgres-create.json");
        byte[] truncated = Arrays.copyOf(message, message.length - 20);
        byte[] overlong = Arrays.copyOf(message, message.length + 2);

        ErrorRecord cut = rejected(decoder.decode(TOPIC, 0, 10, null, truncated, NOW));
        ErrorRecord extra = rejected(decoder.decode(TOPIC, 0, 11, null, overlong, NOW));

        int id = ByteBuffer.wrap(message).getInt(1);
        assertThat(cut.getCode()).isEqualTo(ErrorCodes.DEBEZIUM_MALFORMED);
        assertThat(cut.getMessage())
                .startsWith(
                        "message "
                                + TOPIC
                                + "-0@10 does not match its schema "
                                + id
                                + ": its Avro"
                                + " body cannot be read (")
                .endsWith("; remove the message from the topic");
        assertThat(extra.getCode()).isEqualTo(ErrorCodes.DEBEZIUM_MALFORMED);
        assertThat(extra.getMessage())
                .isEqualTo(
                        "message "
                                + TOPIC
                                + "-0@11 does not match its schema "
                                + id
                                + ": bytes are left after its Avro body was read; remove the"
                                + " message from the topic");
    }

    @Test
    void rejectsByTheSharedRulesWithTheRecordAsPayload() {
        DebeziumAvroDecoder ordersOnly =
                decoderFor(
                        List.of(
                                new TableBinding(
                                        "public",
                                        "orders",
                                        "order",
                                        List.of("id"),
                                        "tenant_id",
                                        null)));

        ErrorRecord error =
                rejected(
                        ordersOnly.decode(
                                TOPIC,
                                0,
                                7,
                                null,
                                avro("postgres-customers-value.avsc", "postgres-create.json"),
                                NOW));

        assertThat(error.getCode()).isEqualTo(ErrorCodes.UNMAPPED_TABLE);
        assertThat(error.getSourcePosition()).isEqualTo("24023128");
        assertThat(error.getMessage())
                .isEqualTo(
                        "table public.customers of message "
                                + TOPIC
                                + "-0@7 is not mapped to an entity type; add it under"
                                + " sources[].tables in the configuration or stop the connector"
                                + " capturing it");
        // JSON, so the protect stage masks confidential fields by name.
        assertThat(error.getPayload())
                .startsWith("{\"before\": null, \"after\": {\"id\": 1, \"tenant_id\": \"acme\"")
                .contains("\"email\": \"annek@noanswer.org\"");
    }

    @Test
    void takesTheKeyFromTheAvroMessageKeyWhenTheImageLacksIt() {
        DebeziumAvroDecoder byEmail =
                decoderFor(
                        List.of(
                                new TableBinding(
                                        "public",
                                        "customers",
                                        "customer",
                                        List.of("email"),
                                        "tenant_id",
                                        null)));
        String withoutEmail =
                text("avro/postgres-create.json")
                        .replace(
                                "\"email\": { \"string\": \"annek@noanswer.org\" }",
                                "\"email\": null");
        assertThat(withoutEmail).doesNotContain("annek");
        Schema keySchema =
                SchemaBuilder.record("Key")
                        .namespace("PostgreSQL_server.public.customers")
                        .fields()
                        .requiredString("email")
                        .endRecord();
        GenericRecord key = new GenericData.Record(keySchema);
        key.put("email", "anne@example.com");

        ChangeEvent event =
                decoded(
                        byEmail.decode(
                                TOPIC,
                                0,
                                7,
                                registry.serialize(TOPIC + "-key", key),
                                avroText("postgres-customers-value.avsc", withoutEmail),
                                NOW));
        ErrorRecord withoutKey =
                rejected(
                        byEmail.decode(
                                TOPIC,
                                0,
                                7,
                                "anne@example.com".getBytes(StandardCharsets.UTF_8),
                                avroText("postgres-customers-value.avsc", withoutEmail),
                                NOW));

        assertThat(event.getEntityId()).isEqualTo("anne@example.com");
        assertThat(withoutKey.getCode()).isEqualTo(ErrorCodes.KEY_MISSING);
    }

    @Test
    void asksTheRegistryOncePerSchemaAndSurvivesSerialization() throws Exception {
        DebeziumAvroDecoder copy =
                InstantiationUtil.clone(
                        decoderFor(BINDINGS), DebeziumAvroDecoderTest.class.getClassLoader());
        byte[] message = avro("postgres-customers-value.avsc", "postgres-create.json");
        int before = registry.schemaRequests();

        for (int offset = 0; offset < 3; offset++) {
            assertThat(decoded(copy.decode(TOPIC, 0, offset, null, message, NOW)).getEntityId())
                    .isEqualTo("1");
        }
        assertThat(registry.schemaRequests() - before).isEqualTo(1);
    }

    @Test
    void failsTheJobWhenTheRegistryCannotBeAsked() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        DebeziumAvroDecoder unreachable =
                new DebeziumAvroDecoder(
                        "dbz",
                        BINDINGS,
                        Set.of(),
                        new SchemaRegistrySettings(
                                "http://127.0.0.1:" + port,
                                null,
                                null,
                                Duration.ofSeconds(1),
                                new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1))));
        byte[] message = avro("postgres-customers-value.avsc", "postgres-create.json");

        assertThatThrownBy(() -> unreachable.decode(TOPIC, 0, 7, null, message, NOW))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageStartingWith(
                        "schema registry http://127.0.0.1:" + port + " failed 2 times");
    }

    private static DebeziumAvroDecoder decoderFor(List<TableBinding> bindings) {
        return new DebeziumAvroDecoder(
                "dbz",
                bindings,
                Set.of("acme", "globex"),
                new SchemaRegistrySettings(registry.url(), null, null));
    }

    /** The record in {@code datumFile} (Avro's JSON encoding) in the wire format. */
    private static byte[] avro(String schemaFile, String datumFile) {
        return avroText(schemaFile, text("avro/" + datumFile));
    }

    private static byte[] avro(String schemaFile, String datum, String subject) {
        return registry.serialize(subject, record(schemaFile, datum));
    }

    private static byte[] avroText(String schemaFile, String datum) {
        GenericRecord record = record(schemaFile, datum);
        return registry.serialize(record.getSchema().getFullName() + "-value", record);
    }

    private static GenericRecord record(String schemaFile, String datum) {
        Schema schema = new Schema.Parser().parse(text("avro/" + schemaFile));
        try {
            return new GenericDatumReader<GenericRecord>(schema)
                    .read(null, DecoderFactory.get().jsonDecoder(schema, datum));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

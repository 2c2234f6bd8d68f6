package io.syncline.operators.decode.debezium;

import static io.syncline.operators.decode.debezium.DebeziumSamples.BINDINGS;
import static io.syncline.operators.decode.debezium.DebeziumSamples.NOW;
import static io.syncline.operators.decode.debezium.DebeziumSamples.TOPIC;
import static io.syncline.operators.decode.debezium.DebeziumSamples.bytes;
import static io.syncline.operators.decode.debezium.DebeziumSamples.decoded;
import static io.syncline.operators.decode.debezium.DebeziumSamples.rejected;
import static io.syncline.operators.decode.debezium.DebeziumSamples.resource;
import static io.syncline.operators.decode.debezium.DebeziumSamples.row;
import static io.syncline.operators.decode.debezium.DebeziumSamples.text;
import static io.syncline.operators.decode.debezium.DebeziumSamples.typedOrderRow;
import static io.syncline.operators.decode.debezium.DebeziumSamples.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.decode.DecodeOutcome;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Decodes messages in the formats Debezium's documentation shows, with and without schemas. */
class DebeziumJsonDecoderTest {

    private final DebeziumJsonDecoder decoder =
            new DebeziumJsonDecoder("dbz", BINDINGS, Set.of("acme", "globex"));

    @Test
    void decodesAPostgresCreateWrittenWithItsSchema() {
        ChangeEvent event =
                decoded(
                        decoder.decode(
                                TOPIC,
                                0,
                                7,
                                resource("postgres-create-key.json"),
                                resource("postgres-create-with-schema.json"),
                                NOW));

        assertThat(event.getEventId()).isEqualTo("dbz/24023128/acme/customer/1");
        assertThat(event.getTenant()).isEqualTo("acme");
        assertThat(event.getEntityType()).isEqualTo("customer");
        assertThat(event.getEntityId()).isEqualTo("1");
        assertThat(event.getOp()).isEqualTo(Operation.CREATE);
        assertThat(event.getBefore()).isNull();
        assertThat(event.getAfter())
                .isEqualTo(
                        row(
                                "id", value(FieldKind.INT, 1),
                                "tenant_id", value(FieldKind.STRING, "acme"),
                                "first_name", value(FieldKind.STRING, "Anne"),
                                "last_name", value(FieldKind.STRING, "Kretchmar"),
                                "email", value(FieldKind.STRING, "annek@noanswer.org")));
        assertThat(event.getSourceCommitTime()).isEqualTo(Instant.ofEpochMilli(1559033904863L));
        assertThat(event.getCaptureTime()).isEqualTo(Instant.ofEpochMilli(1559033904863L));
        assertThat(event.getSourceId()).isEqualTo("dbz");
        assertThat(event.getSourcePosition()).isEqualTo("24023128");
        assertThat(event.getVersion()).isEqualTo(24023128L);
        assertThat(event.getTransactionId()).isEqualTo("555");
        assertThat(event.getOrigin()).isNull();
        assertThat(event.getVectorClock()).isEmpty();
    }

    @Test
    void givesTheSameChangeTheSameEventIdWhereverAndHoweverItWasWritten() {
        ChangeEvent withSchema =
                decoded(
                        decoder.decode(
                                TOPIC,
                                0,
                                7,
                                null,
                                resource("postgres-create-with-schema.json"),
                                NOW));
        ChangeEvent redelivered =
                decoded(
                        decoder.decode(
                                TOPIC,
                                3,
                                912,
                                null,
                                resource("postgres-create-with-schema.json"),
                                NOW.plusSeconds(60)));
        String bare =
                text("postgres-create-with-schema.json")
                        .replaceFirst("(?s)^\\{\\s*\"schema\".*\"payload\":", "")
                        .replaceFirst("(?s)}\\s*$", "");
        ChangeEvent withoutSchema =
                decoded(
                        decoder.decode(
                                TOPIC, 0, 7, null, bare.getBytes(StandardCharsets.UTF_8), NOW));

        assertThat(redelivered).isEqualTo(withSchema);
        assertThat(withoutSchema.getEventId()).isEqualTo(withSchema.getEventId());
        assertThat(withoutSchema.getEntityId()).isEqualTo("1");
        // Without a schema the id's column reads as a JSON number: LONG, not the INT the schema
        // names.
        assertThat(withoutSchema.getAfter().get("id")).isEqualTo(value(FieldKind.LONG, 1L));
    }

    @Test
    void decodesAPostgresUpdateWrittenWithoutSchema() {
        ChangeEvent event =
                decoded(
                        decoder.decode(
                                TOPIC,
                                0,
                                8,
                                null,
                                resource("postgres-update-without-schema.json"),
                                NOW));

        assertThat(event.getEventId()).isEqualTo("dbz/24023400/acme/customer/1");
        assertThat(event.getOp()).isEqualTo(Operation.UPDATE);
        assertThat(event.getBefore())
                .isEqualTo(
                        row(
                                "id", value(FieldKind.LONG, 1L),
                                "tenant_id", value(FieldKind.STRING, "acme"),
                                "first_name", value(FieldKind.STRING, "Anne"),
                                "last_name", value(FieldKind.STRING, "Kretchmar"),
                                "email", value(FieldKind.STRING, "annek@noanswer.org")));
        assertThat(event.getAfter())
                .isEqualTo(
                        row(
                                "id", value(FieldKind.LONG, 1L),
                                "tenant_id", value(FieldKind.STRING, "acme"),
                                "first_name", value(FieldKind.STRING, "Anne Marie"),
                                "last_name", value(FieldKind.STRING, "Kretchmar"),
                                "email", value(FieldKind.STRING, "annek@noanswer.org")));
        assertThat(event.getSourceCommitTime()).isEqualTo(Instant.ofEpochMilli(1559033904863L));
        assertThat(event.getCaptureTime()).isEqualTo(Instant.ofEpochMilli(1559033904870L));
        assertThat(event.getVersion()).isEqualTo(24023400L);
        // The source's txId, as the Postgres decoder sets it, not the transaction block's
        // "txId:lsn".
        assertThat(event.getTransactionId()).isEqualTo("556");
    }

    @Test
    void decodesAMySqlDeleteByItsBeforeImageAndBinlogPosition() {
        ChangeEvent event =
                decoded(
                        decoder.decode(
                                "mysql-server-1.inventory.customers",
                                1,
                                20,
                                "{\"id\":1004}".getBytes(StandardCharsets.UTF_8),
                                resource("mysql-delete-without-schema.json"),
                                NOW));

        assertThat(event.getEventId()).isEqualTo("dbz/mysql-bin.000003:805/globex/customer/1004");
        assertThat(event.getTenant()).isEqualTo("globex");
        assertThat(event.getEntityType()).isEqualTo("customer");
        assertThat(event.getEntityId()).isEqualTo("1004");
        assertThat(event.getOp()).isEqualTo(Operation.DELETE);
        assertThat(event.getBefore())
                .isEqualTo(
                        row(
                                "id", value(FieldKind.LONG, 1004L),
                                "tenant_id", value(FieldKind.STRING, "globex"),
                                "first_name", value(FieldKind.STRING, "Anne Marie"),
                                "last_name", value(FieldKind.STRING, "Kretchmar"),
                                "email", value(FieldKind.STRING, "annek@noanswer.org")));
        assertThat(event.getAfter()).isNull();
        assertThat(event.getSourcePosition()).isEqualTo("mysql-bin.000003:805");
        assertThat(event.getVersion()).isEqualTo((3L << 32) + 805);
        assertThat(event.getSourceCommitTime()).isEqualTo(Instant.ofEpochMilli(1465581902000L));
        assertThat(event.getCaptureTime()).isEqualTo(Instant.ofEpochMilli(1465581902461L));
        // No GTID: the transaction block's id stands in.
        assertThat(event.getTransactionId()).isEqualTo("file=mysql-bin.000003,pos=805");
    }

    @Test
    void decodesASnapshotReadAtTheSnapshotsBinlogPosition() {
        ChangeEvent event =
                decoded(
                        decoder.decode(
                                "mysql-server-1.inventory.customers",
                                0,
                                0,
                                null,
                                resource("mysql-snapshot-read-without-schema.json"),
                                NOW));

        assertThat(event.getOp()).isEqualTo(Operation.READ);
        assertThat(event.getEventId()).isEqualTo("dbz/mysql-bin.000003:154/globex/customer/1001");
        assertThat(event.getBefore()).isNull();
        assertThat(event.getAfter().get("email"))
                .isEqualTo(value(FieldKind.STRING, "sally.thomas@acme.com"));
        assertThat(event.getVersion()).isEqualTo((3L << 32) + 154);
        assertThat(event.getSourceCommitTime()).isEqualTo(Instant.ofEpochMilli(1559033904000L));
        assertThat(event.getTransactionId()).isEqualTo("3E11FA47-71CA-11E1-9E33-C80AA9429562:23");
    }

    @Test
    void mapsDebeziumSemanticTypesToFieldKinds() {
        ChangeEvent event =
                decoded(
                        decoder.decode(
                                "PostgreSQL_server.public.orders",
                                0,
                                1,
                                null,
                                resource("postgres-typed-values-with-schema.json"),
                                NOW));

        assertThat(event.getAfter()).containsExactlyEntriesOf(typedOrderRow());
        assertThat(event.getEventId()).isEqualTo("dbz/24023800/acme/order/9001");
        assertThat(event.getTransactionId()).isEqualTo("771");
        assertThat(event.getCaptureTime()).isEqualTo(Instant.ofEpochMilli(1705314645250L));
    }

    @Test
    void infersKindsOfValuesWithoutSchema() {
        String message =
                text("postgres-update-without-schema.json")
                        .replace(
                                "\"email\": \"annek@noanswer.org\"\n  },\n  \"source\"",
                                "\"email\": null, \"score\": 4.25, \"vip\": true, \"big\": 123456789012345678901234567890, \"tags\": [\"a\", 1]\n  },\n  \"source\"");

        Map<String, FieldValue> after =
                decoded(decoder.decode(TOPIC, 0, 8, null, bytes(message), NOW)).getAfter();

        assertThat(after)
                .containsEntry("email", value(FieldKind.UNKNOWN, null))
                .containsEntry("score", value(FieldKind.DOUBLE, 4.25))
                .containsEntry("vip", value(FieldKind.BOOLEAN, true))
                .containsEntry("big", value(FieldKind.DECIMAL, "123456789012345678901234567890"))
                .containsEntry("tags", value(FieldKind.JSON, "[\"a\",1]"));
    }

    @Test
    void skipsTombstones() {
        assertThat(decoder.decode(TOPIC, 0, 9, resource("postgres-create-key.json"), null, NOW))
                .isEqualTo(new DecodeOutcome.Skipped("tombstone"));
        assertThat(
                        decoder.decode(
                                TOPIC,
                                0,
                                9,
                                null,
                                bytes("{\"schema\":null,\"payload\":null}"),
                                NOW))
                .isEqualTo(new DecodeOutcome.Skipped("tombstone"));
    }

    @Test
    void skipsMessagesThatChangeNoRow() {
        assertThat(
                        decoder.decode(
                                "mysql-server-1",
                                0,
                                1,
                                null,
                                resource("mysql-schema-change.json"),
                                NOW))
                .isEqualTo(new DecodeOutcome.Skipped("schema change"));
        assertThat(
                        decoder.decode(
                                "PostgreSQL_server.transaction",
                                0,
                                1,
                                null,
                                resource("transaction-begin.json"),
                                NOW))
                .isEqualTo(new DecodeOutcome.Skipped("transaction boundary"));
        assertThat(
                        decoder.decode(
                                "__debezium-heartbeat.PostgreSQL_server",
                                0,
                                1,
                                null,
                                resource("heartbeat.json"),
                                NOW))
                .isEqualTo(new DecodeOutcome.Skipped("heartbeat"));
    }

    @Test
    void rejectsAMessageThatIsNotJson() {
        byte[] message = resource("malformed-truncated.json");

        ErrorRecord error = rejected(decoder.decode(TOPIC, 2, 42, null, message, NOW));

        assertThat(error.getCode()).isEqualTo(ErrorCodes.DEBEZIUM_MALFORMED);
        assertThat(error.getErrorClass()).isEqualTo(ErrorClass.PERMANENT);
        assertThat(error.getStage()).isEqualTo("decode");
        assertThat(error.getMessage())
                .startsWith(
                        "message "
                                + TOPIC
                                + "-2@42 is not a Debezium change event: its value is not JSON (")
                .endsWith(
                        "); read the topic with Kafka Connect's JsonConverter settings"
                                + " (key/value.converter=org.apache.kafka.connect.json.JsonConverter)"
                                + " or remove the message from the topic");
        assertThat(error.getSourceId()).isEqualTo("dbz");
        assertThat(error.getSourcePosition()).isEqualTo(TOPIC + "-2@42");
        assertThat(error.getPayload()).isEqualTo(new String(message, StandardCharsets.UTF_8));
        assertThat(error.getTime()).isEqualTo(NOW);
        assertThat(rejected(decoder.decode(TOPIC, 2, 42, null, message, NOW)).getErrorId())
                .isEqualTo(error.getErrorId());
    }

    @Test
    void rejectsASchemaEnvelopeThatDoesNotMatchItsPayload() {
        String message =
                text("postgres-create-with-schema.json").replace("\"id\": 1,", "\"id\": \"one\",");

        ErrorRecord error = rejected(decoder.decode(TOPIC, 0, 5, null, bytes(message), NOW));

        assertThat(error.getCode()).isEqualTo(ErrorCodes.DEBEZIUM_MALFORMED);
        // Kafka's JsonConverter alone would read the text as 0 and decode customer 0.
        assertThat(error.getMessage())
                .isEqualTo(
                        "message "
                                + TOPIC
                                + "-0@5 is not a Debezium change event:"
                                + " payload.after.id is text where the schema says int32; read the topic"
                                + " with Kafka Connect's JsonConverter settings"
                                + " (key/value.converter=org.apache.kafka.connect.json.JsonConverter) or"
                                + " remove the message from the topic");
    }

    @Test
    void rejectsASchemaEnvelopeTheConverterCannotRead() {
        String message =
                text("postgres-create-with-schema.json")
                        .replace("\"email\": \"annek@noanswer.org\"", "\"email\": null");

        ErrorRecord error = rejected(decoder.decode(TOPIC, 0, 5, null, bytes(message), NOW));

        assertThat(error.getCode()).isEqualTo(ErrorCodes.DEBEZIUM_MALFORMED);
        assertThat(error.getMessage())
                .startsWith(
                        "message "
                                + TOPIC
                                + "-0@5 is not a Debezium change event: its schema envelope cannot be read (");
    }

    @Test
    void rejectsAMessageWithoutOperation() {
        ErrorRecord error =
                rejected(decoder.decode(TOPIC, 0, 6, null, resource("malformed-no-op.json"), NOW));

        assertThat(error.getCode()).isEqualTo(ErrorCodes.DEBEZIUM_MALFORMED);
        assertThat(error.getMessage())
                .isEqualTo(
                        "message "
                                + TOPIC
                                + "-0@6 has no 'op' field and is neither a schema change,"
                                + " a transaction boundary nor a heartbeat; only Debezium change events can be"
                                + " read, so remove other producers from the topic");
        assertThat(rejected(decoder.decode(TOPIC, 0, 6, null, bytes("{}"), NOW)).getCode())
                .isEqualTo(ErrorCodes.DEBEZIUM_MALFORMED);
    }

    @Test
    void rejectsOperationsItDoesNotReplicate() {
        ErrorRecord unknown =
                rejected(
                        decoder.decode(
                                TOPIC,
                                0,
                                8,
                                null,
                                bytes(updateWith("\"op\": \"u\"", "\"op\": \"x\"")),
                                NOW));
        ErrorRecord truncate =
                rejected(
                        decoder.decode(
                                TOPIC,
                                0,
                                8,
                                null,
                                bytes(updateWith("\"op\": \"u\"", "\"op\": \"t\"")),
                                NOW));

        assertThat(unknown.getCode()).isEqualTo(ErrorCodes.UNSUPPORTED_OPERATION);
        assertThat(unknown.getMessage())
                .isEqualTo(
                        "operation 'x' on public.customers is not replicated; apply it to the target by hand, or re-sync the table");
        assertThat(unknown.getSourcePosition()).isEqualTo("24023400");
        assertThat(truncate.getMessage())
                .startsWith("TRUNCATE on public.customers is not replicated");
    }

    @Test
    void rejectsACreateWithoutRowImage() {
        String message =
                text("postgres-create-with-schema.json")
                        .replaceFirst("(?s)\"after\": \\{.*?},", "\"after\": null,");

        ErrorRecord error = rejected(decoder.decode(TOPIC, 0, 7, null, bytes(message), NOW));

        assertThat(error.getCode()).isEqualTo(ErrorCodes.DEBEZIUM_MALFORMED);
        assertThat(error.getMessage())
                .isEqualTo(
                        "CREATE of public.customers in message "
                                + TOPIC
                                + "-0@7 carries no 'after'"
                                + " row image; the message was altered after the connector wrote it");
        assertThat(error.getEntityType()).isEqualTo("customer");
    }

    @Test
    void rejectsAnUnmappedTable() {
        ErrorRecord error =
                rejected(
                        decoder.decode(
                                TOPIC,
                                0,
                                8,
                                null,
                                bytes(
                                        updateWith(
                                                "\"table\": \"customers\"",
                                                "\"table\": \"suppliers\"")),
                                NOW));

        assertThat(error.getCode()).isEqualTo(ErrorCodes.UNMAPPED_TABLE);
        assertThat(error.getMessage())
                .isEqualTo(
                        "table public.suppliers of message "
                                + TOPIC
                                + "-0@8 is not mapped to an entity"
                                + " type; add it under sources[].tables in the configuration or stop the"
                                + " connector capturing it");
    }

    @Test
    void rejectsARowWithoutTenant() {
        ErrorRecord error =
                rejected(
                        decoder.decode(
                                TOPIC,
                                0,
                                8,
                                null,
                                bytes(
                                        updateWith(
                                                "\"tenant_id\": \"acme\",\n    \"first_name\": \"Anne Marie\"",
                                                "\"tenant_id\": null,\n    \"first_name\": \"Anne Marie\"")),
                                NOW));

        assertThat(error.getCode()).isEqualTo(ErrorCodes.TENANT_MISSING);
        assertThat(error.getMessage())
                .startsWith(
                        "row of public.customers has no tenant in column 'tenant_id'; set the column");
        assertThat(error.getTenant()).isNull();
    }

    @Test
    void rejectsATenantNotConfigured() {
        ErrorRecord error =
                rejected(
                        decoder.decode(
                                TOPIC,
                                0,
                                8,
                                null,
                                bytes(
                                        updateWith(
                                                "\"tenant_id\": \"acme\",\n    \"first_name\": \"Anne Marie\"",
                                                "\"tenant_id\": \"initech\",\n    \"first_name\": \"Anne Marie\"")),
                                NOW));

        assertThat(error.getCode()).isEqualTo(ErrorCodes.UNKNOWN_TENANT);
        assertThat(error.getMessage())
                .isEqualTo(
                        "tenant 'initech' of a row of public.customers is not among the configured tenants [acme, globex]; add it to 'tenants' or fix the row");
    }

    @Test
    void takesTheKeyFromTheMessageKeyWhenTheImageLacksIt() {
        String message =
                updateWith(
                        "\"id\": 1,\n    \"tenant_id\": \"acme\",\n    \"first_name\": \"Anne Marie\"",
                        "\"tenant_id\": \"acme\",\n    \"first_name\": \"Anne Marie\"");

        ChangeEvent fromKey =
                decoded(
                        decoder.decode(
                                TOPIC,
                                0,
                                8,
                                resource("postgres-create-key.json"),
                                bytes(message),
                                NOW));
        ErrorRecord withoutKey = rejected(decoder.decode(TOPIC, 0, 8, null, bytes(message), NOW));

        assertThat(fromKey.getEntityId()).isEqualTo("1");
        assertThat(withoutKey.getCode()).isEqualTo(ErrorCodes.KEY_MISSING);
        assertThat(withoutKey.getMessage())
                .isEqualTo(
                        "row of public.customers has no value in a key column of [id], in neither"
                                + " the row image nor the message key; fix primaryKey of the table in the"
                                + " configuration");
        assertThat(withoutKey.getTenant()).isEqualTo("acme");
    }

    @Test
    void rejectsAConnectorWithoutAnOrderablePosition() {
        ErrorRecord error =
                rejected(
                        decoder.decode(
                                TOPIC,
                                0,
                                8,
                                null,
                                bytes(
                                        updateWith(
                                                "\"connector\": \"postgresql\"",
                                                "\"connector\": \"sqlserver\"")),
                                NOW));

        assertThat(error.getCode()).isEqualTo(ErrorCodes.DEBEZIUM_UNSUPPORTED_CONNECTOR);
        assertThat(error.getSourcePosition()).isEqualTo(TOPIC + "-0@8");
        assertThat(error.getMessage())
                .startsWith("message " + TOPIC + "-0@8 comes from connector 'sqlserver'");
    }

    private static String updateWith(String target, String replacement) {
        String message = text("postgres-update-without-schema.json");
        assertThat(message).contains(target);
        return message.replace(target, replacement);
    }
}

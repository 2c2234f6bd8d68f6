package io.syncline.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records already in Kafka, in state and in savepoints were written with the released schemas, so
 * the current schemas must read them: each current schema is checked as reader against the previous
 * version checked in under {@code compat/}.
 */
class SchemaCompatibilityTest {

    private static Schema previousFieldValue;
    private static Schema previousChangeEvent;
    private static Schema previousErrorRecord;
    private static Schema previousObservation;
    private static Schema previousSourceLag;

    @BeforeAll
    static void parsePreviousVersions() throws IOException {
        // ChangeEvent.v1 names FieldValue without defining it, so one parser must see both.
        Schema.Parser parser = new Schema.Parser();
        previousFieldValue = parse(parser, "FieldValue.v1.avsc");
        previousChangeEvent = parse(parser, "ChangeEvent.v1.avsc");
        previousErrorRecord = parse(new Schema.Parser(), "ErrorRecord.v1.avsc");
        previousObservation = parse(new Schema.Parser(), "Observation.v1.avsc");
        previousSourceLag = parse(new Schema.Parser(), "SourceLag.v1.avsc");
    }

    @Test
    void currentFieldValueReadsPreviousVersion() {
        assertReadable(FieldValue.getClassSchema(), previousFieldValue);
    }

    @Test
    void currentChangeEventReadsPreviousVersion() {
        assertReadable(ChangeEvent.getClassSchema(), previousChangeEvent);
    }

    @Test
    void currentErrorRecordReadsPreviousVersion() {
        assertReadable(ErrorRecord.getClassSchema(), previousErrorRecord);
    }

    @Test
    void currentObservationReadsPreviousVersion() {
        assertReadable(Observation.getClassSchema(), previousObservation);
    }

    @Test
    void currentSourceLagReadsPreviousVersion() {
        assertReadable(SourceLag.getClassSchema(), previousSourceLag);
    }

    @Test
    void currentEntityVersionReadsPreviousVersion() throws IOException {
        // Resolve's keyed state; v1 names ChangeEvent, taken as it is now (checked above).
        Schema.Parser parser = new Schema.Parser();
        parser.parse(ChangeEvent.getClassSchema().toString());
        Schema previous = parse(parser, "EntityVersion.v1.avsc");

        assertReadable(EntityVersion.getClassSchema(), previous);
    }

    @Test
    void newRequiredFieldWithoutDefaultIsIncompatible() {
        Schema evolved =
                withExtraField(
                        previousChangeEvent,
                        new Schema.Field("region", Schema.create(Schema.Type.STRING)));

        SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(evolved, previousChangeEvent);

        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(result.getResult().getIncompatibilities())
                .extracting(Incompatibility::getType, Incompatibility::getMessage)
                .containsExactly(
                        tuple(
                                SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE,
                                "region"));
    }

    @Test
    void narrowedFieldTypeIsIncompatible() {
        Schema narrowed = replaceFieldType(previousChangeEvent, "version", Schema.Type.INT);

        SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(narrowed, previousChangeEvent);

        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(result.getResult().getIncompatibilities())
                .extracting(Incompatibility::getType, Incompatibility::getLocation)
                .containsExactly(tuple(SchemaIncompatibilityType.TYPE_MISMATCH, "/fields/11/type"));
    }

    @Test
    void newFieldWithDefaultIsCompatible() {
        Schema evolved =
                withExtraField(
                        previousChangeEvent,
                        new Schema.Field(
                                "region", Schema.create(Schema.Type.STRING), null, "eu-west"));

        assertReadable(evolved, previousChangeEvent);
    }

    @Test
    void changeEventWithEveryFieldKindRoundTrips() throws IOException {
        Map<String, FieldValue> image = new LinkedHashMap<>();
        image.put("active", new FieldValue(FieldKind.BOOLEAN, true));
        image.put("quantity", new FieldValue(FieldKind.INT, 7));
        image.put("big", new FieldValue(FieldKind.LONG, 1L << 40));
        image.put("ratio", new FieldValue(FieldKind.FLOAT, 1.5f));
        image.put("score", new FieldValue(FieldKind.DOUBLE, 2.25d));
        image.put("amount", new FieldValue(FieldKind.DECIMAL, "12.30"));
        image.put("name", new FieldValue(FieldKind.STRING, "Zoë"));
        image.put(
                "blob",
                new FieldValue(FieldKind.BYTES, ByteBuffer.wrap(new byte[] {0, 1, -2, 127})));
        image.put("born", new FieldValue(FieldKind.DATE, 19_737));
        image.put("opens", new FieldValue(FieldKind.TIME, 34_200_000_001L));
        image.put("updated", new FieldValue(FieldKind.TIMESTAMP, 1_705_314_645_123_456L));
        image.put("seen", new FieldValue(FieldKind.TIMESTAMP_TZ, "2024-01-15T10:30:45.123456Z"));
        image.put("attrs", new FieldValue(FieldKind.JSON, "{\"tags\":[\"a\",\"b\"]}"));
        image.put("ref", new FieldValue(FieldKind.UUID, "4b0e4a6c-5b7e-4b1f-9a51-0f0c4c1e2d3a"));
        image.put("legacy", new FieldValue(FieldKind.UNKNOWN, null));
        Set<FieldKind> kinds =
                image.values().stream()
                        .map(FieldValue::getKind)
                        .collect(Collectors.toCollection(() -> EnumSet.noneOf(FieldKind.class)));
        assertThat(kinds)
                .as("the image must hold a value of every FieldKind")
                .isEqualTo(EnumSet.allOf(FieldKind.class));

        Map<String, FieldValue> before = new LinkedHashMap<>(image);
        before.put("quantity", new FieldValue(FieldKind.INT, 6));
        ChangeEvent event =
                ChangeEvent.newBuilder()
                        .setEventId("orders-db/24023128/acme/order/42")
                        .setTenant("acme")
                        .setEntityType("order")
                        .setEntityId("42")
                        .setOp(Operation.UPDATE)
                        .setBefore(before)
                        .setAfter(image)
                        .setSourceCommitTime(Instant.ofEpochMilli(1_705_314_645_123L))
                        .setCaptureTime(Instant.ofEpochMilli(1_705_314_645_200L))
                        .setSourceId("orders-db")
                        .setSourcePosition("24023128")
                        .setVersion(24_023_128L)
                        .setTransactionId("771")
                        .setSchemaVersion(3)
                        .build();

        ByteBuffer encoded = ChangeEvent.getEncoder().encode(event);
        ChangeEvent decoded = ChangeEvent.getDecoder().decode(encoded);

        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.getAfter()).containsOnlyKeys(image.keySet());
        // Equal alone would not catch a value decoded into a wider Avro branch.
        assertThat(decoded.getAfter().get("quantity").getValue()).isEqualTo(7);
        assertThat(decoded.getAfter().get("big").getValue()).isEqualTo(1L << 40);
        assertThat(decoded.getAfter().get("ratio").getValue()).isEqualTo(1.5f);
        assertThat(decoded.getAfter().get("born").getValue()).isEqualTo(19_737);
        assertThat(decoded.getAfter().get("legacy").getValue()).isNull();
        assertThat(bytes((ByteBuffer) decoded.getAfter().get("blob").getValue()))
                .containsExactly(0, 1, -2, 127);
        assertThat(decoded.getBefore().get("quantity").getValue()).isEqualTo(6);
    }

    @Test
    void deleteWithoutAfterImageOrTransactionRoundTrips() throws IOException {
        ChangeEvent event =
                ChangeEvent.newBuilder()
                        .setEventId("orders-db/24023200/acme/order/42")
                        .setTenant("acme")
                        .setEntityType("order")
                        .setEntityId("42")
                        .setOp(Operation.DELETE)
                        .setBefore(Map.of("id", new FieldValue(FieldKind.LONG, 42L)))
                        .setAfter(null)
                        .setSourceCommitTime(Instant.ofEpochMilli(1_705_314_700_000L))
                        .setCaptureTime(Instant.ofEpochMilli(1_705_314_700_001L))
                        .setSourceId("orders-db")
                        .setSourcePosition("24023200")
                        .setVersion(24_023_200L)
                        .build();

        ChangeEvent decoded =
                ChangeEvent.getDecoder().decode(ChangeEvent.getEncoder().encode(event));

        assertThat(decoded).isEqualTo(event);
        assertThat(decoded.getAfter()).isNull();
        assertThat(decoded.getTransactionId()).isNull();
        assertThat(decoded.getSchemaVersion()).isEqualTo(1);
    }

    private static void assertReadable(Schema reader, Schema writer) {
        SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        assertThat(result.getType())
                .as(
                        "%s cannot read data written with the previous version: %s",
                        reader.getFullName(), describe(result.getResult().getIncompatibilities()))
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    private static String describe(List<Incompatibility> incompatibilities) {
        return incompatibilities.stream()
                .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                .collect(Collectors.joining("; "));
    }

    private static Schema withExtraField(Schema record, Schema.Field extra) {
        List<Schema.Field> fields = copyFields(record);
        fields.add(extra);
        return Schema.createRecord(
                record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    private static Schema replaceFieldType(Schema record, String name, Schema.Type type) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : record.getFields()) {
            fields.add(
                    field.name().equals(name)
                            ? new Schema.Field(field.name(), Schema.create(type))
                            : new Schema.Field(field, field.schema()));
        }
        return Schema.createRecord(
                record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    private static List<Schema.Field> copyFields(Schema record) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : record.getFields()) {
            // A Field belongs to one record, so each needs a copy.
            fields.add(new Schema.Field(field, field.schema()));
        }
        return fields;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private static Schema parse(Schema.Parser parser, String file) throws IOException {
        try (InputStream in =
                SchemaCompatibilityTest.class.getResourceAsStream("/compat/" + file)) {
            assertThat(in).as("test resource compat/%s", file).isNotNull();
            return parser.parse(in);
        }
    }
}

package io.syncline.operators.validate.schema;

import static io.syncline.operators.validate.schema.Images.bool;
import static io.syncline.operators.validate.schema.Images.bytes;
import static io.syncline.operators.validate.schema.Images.date;
import static io.syncline.operators.validate.schema.Images.decimal;
import static io.syncline.operators.validate.schema.Images.doubleValue;
import static io.syncline.operators.validate.schema.Images.image;
import static io.syncline.operators.validate.schema.Images.integer;
import static io.syncline.operators.validate.schema.Images.json;
import static io.syncline.operators.validate.schema.Images.longValue;
import static io.syncline.operators.validate.schema.Images.nullOf;
import static io.syncline.operators.validate.schema.Images.string;
import static io.syncline.operators.validate.schema.Images.timestamp;
import static io.syncline.operators.validate.schema.Images.timestampTz;
import static io.syncline.operators.validate.schema.Images.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.operators.validate.ExpectedType;
import io.syncline.operators.validate.FieldSpec;
import io.syncline.operators.validate.ValidationCodes;
import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AvroSchemaCheckTest {

    private static final String CUSTOMER =
            """
            {
              "type": "record",
              "name": "Customer",
              "namespace": "io.syncline.test",
              "fields": [
                {"name": "id", "type": "long"},
                {"name": "name", "type": "string"},
                {"name": "age", "type": "int"},
                {"name": "score", "type": "double"},
                {"name": "vip", "type": "boolean", "default": false},
                {"name": "nickname", "type": ["null", "string"], "default": null},
                {"name": "status",
                 "type": {"type": "enum", "name": "Status", "symbols": ["ACTIVE", "BLOCKED"]}},
                {"name": "born", "type": {"type": "int", "logicalType": "date"}},
                {"name": "balance",
                 "type": {"type": "bytes", "logicalType": "decimal", "precision": 6, "scale": 2}},
                {"name": "updated",
                 "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}],
                 "default": null},
                {"name": "ref", "type": ["null", {"type": "string", "logicalType": "uuid"}]},
                {"name": "hash", "type": ["null", {"type": "fixed", "name": "Md5", "size": 16}]},
                {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
                {"name": "code", "type": ["null", "int", "string", "Status"], "default": null}
              ]
            }
            """;

    private final AvroSchemaCheck check = SchemaChecks.avro(CUSTOMER);

    private static Map<String, FieldValue> validCustomer() {
        return image(
                "id", longValue(42),
                "name", string("Ada Lovelace"),
                "age", integer(36),
                "score", doubleValue(0.75),
                "status", string("ACTIVE"),
                "born", date("1815-12-10"),
                "balance", decimal("1234.50"),
                "updated", timestamp("2024-01-31T10:15:30"));
    }

    private List<Violation> checkWith(String field, FieldValue value) {
        Map<String, FieldValue> image = validCustomer();
        image.put(field, value);
        return check.check(image);
    }

    private static Violation mismatch(String field, String description, String value) {
        return new Violation(field, ValidationCodes.SCHEMA_TYPE_MISMATCH, description, value);
    }

    @Test
    void acceptsAValidRowWithOptionalFieldsLeftOut() {
        assertThat(check.check(validCustomer())).isEmpty();
    }

    @Test
    void acceptsEveryKindTheMappingAllows() {
        Map<String, FieldValue> image = validCustomer();
        image.put("id", integer(42));
        image.put("name", uuid("0b9e6c4e-3f5e-4c1a-9d7e-2f1c3b4a5d6e"));
        image.put("score", decimal("0.75"));
        image.put("vip", bool(true));
        image.put("nickname", nullOf(FieldKind.STRING));
        image.put("balance", integer(12));
        image.put("updated", timestampTz("2024-01-31T10:15:30Z"));
        image.put("ref", string("0b9e6c4e-3f5e-4c1a-9d7e-2f1c3b4a5d6e"));
        image.put("hash", bytes(new int[16]));
        image.put("tags", json("[\"a\", \"b\"]"));
        image.put("code", integer(7));

        assertThat(check.check(image)).isEmpty();
    }

    @Test
    void reportsMissingAndNullRequiredFields() {
        Map<String, FieldValue> image = validCustomer();
        image.remove("id");
        image.put("name", nullOf(FieldKind.STRING));

        assertThat(check.check(image))
                .containsExactly(
                        new Violation("id", ValidationCodes.SCHEMA_REQUIRED, "is required", null),
                        new Violation(
                                "name", ValidationCodes.SCHEMA_REQUIRED, "must not be null", null));
    }

    @Test
    void aFieldWithADefaultOrANullableTypeMayBeNull() {
        Map<String, FieldValue> image = validCustomer();
        image.put("vip", nullOf(FieldKind.BOOLEAN));
        image.put("nickname", nullOf(FieldKind.STRING));
        image.put("ref", null);

        assertThat(check.check(image)).isEmpty();
    }

    @Test
    void reportsKindsThatCannotHoldTheAvroType() {
        Map<String, FieldValue> image = validCustomer();
        image.put("id", string("42"));
        image.put("age", longValue(36));
        image.put("score", string("high"));
        image.put("name", integer(1));
        image.put("born", string("1815-12-10"));
        image.put("balance", doubleValue(1.5));
        image.put("updated", longValue(1_706_696_130_000_000L));
        image.put("tags", string("a,b"));

        assertThat(check.check(image))
                .containsExactly(
                        mismatch("id", "must be of Avro type long, but the value is STRING", "42"),
                        mismatch("name", "must be of Avro type string, but the value is INT", "1"),
                        mismatch("age", "must be of Avro type int, but the value is LONG", "36"),
                        mismatch(
                                "score",
                                "must be of Avro type double, but the value is STRING",
                                "high"),
                        mismatch(
                                "born",
                                "must be of Avro type int (date), but the value is STRING",
                                "1815-12-10"),
                        mismatch(
                                "balance",
                                "must be of Avro type bytes (decimal), but the value is DOUBLE",
                                "1.5"),
                        mismatch(
                                "updated",
                                "must be of Avro type long (timestamp-micros), but the value is"
                                        + " LONG",
                                "1706696130000000"),
                        mismatch(
                                "tags",
                                "must be of Avro type array, but the value is STRING",
                                "a,b"));
    }

    @Test
    void reportsAStringOutsideTheEnumSymbols() {
        assertThat(checkWith("status", string("DELETED")))
                .containsExactly(
                        new Violation(
                                "status",
                                ValidationCodes.SCHEMA_ENUM,
                                "must be one of [ACTIVE, BLOCKED]",
                                "DELETED"));
        assertThat(checkWith("status", integer(1)))
                .containsExactly(
                        mismatch(
                                "status",
                                "must be of Avro type enum io.syncline.test.Status, but the value"
                                        + " is INT",
                                "1"));
    }

    @Test
    void checksDecimalPrecisionAndScale() {
        assertThat(checkWith("balance", decimal("9999.990"))).isEmpty();
        assertThat(checkWith("balance", decimal("1234.567")))
                .containsExactly(
                        new Violation(
                                "balance",
                                ValidationCodes.SCHEMA_RANGE,
                                "must have at most 2 decimal places",
                                "1234.567"));
        assertThat(checkWith("balance", decimal("12345.6")))
                .containsExactly(
                        new Violation(
                                "balance",
                                ValidationCodes.SCHEMA_RANGE,
                                "must have at most 4 digits before the decimal point",
                                "12345.6"));
        assertThat(checkWith("balance", longValue(100_000)))
                .containsExactly(
                        new Violation(
                                "balance",
                                ValidationCodes.SCHEMA_RANGE,
                                "must have at most 4 digits before the decimal point",
                                "100000"));
    }

    @Test
    void checksUuidTextAndFixedSize() {
        assertThat(checkWith("ref", string("not-a-uuid")))
                .containsExactly(
                        new Violation(
                                "ref",
                                ValidationCodes.SCHEMA_FORMAT,
                                "must be a UUID",
                                "not-a-uuid"));
        assertThat(checkWith("hash", bytes(1, 2, 3)))
                .containsExactly(
                        new Violation(
                                "hash",
                                ValidationCodes.SCHEMA_RANGE,
                                "must be exactly 16 bytes long",
                                "0x010203"));
    }

    @Test
    void aUnionTakesWhatAnyBranchTakes() {
        assertThat(checkWith("code", string("X1"))).isEmpty();
        assertThat(checkWith("code", bool(true)))
                .containsExactly(
                        mismatch(
                                "code",
                                "must be of Avro type int or string or enum"
                                        + " io.syncline.test.Status, but the value is BOOLEAN",
                                "true"));
        assertThat(checkWith("nickname", integer(3)))
                .containsExactly(
                        mismatch(
                                "nickname",
                                "must be of Avro type string, but the value is INT",
                                "3"));
    }

    @Test
    void reportsTheBranchThatTakesTheKindWhenOnlyOneDoes() {
        AvroSchemaCheck sized =
                SchemaChecks.avro(
                        """
                        {"type": "record", "name": "Row", "fields": [
                          {"name": "level", "type": [
                            "boolean", {"type": "enum", "name": "Level", "symbols": ["LOW", "HIGH"]}]}
                        ]}
                        """);

        assertThat(sized.check(image("level", string("MEDIUM"))))
                .containsExactly(
                        new Violation(
                                "level",
                                ValidationCodes.SCHEMA_ENUM,
                                "must be one of [LOW, HIGH]",
                                "MEDIUM"));
    }

    @Test
    void reportsFieldsTheRecordDoesNotName() {
        assertThat(checkWith("shoe_size", integer(44)))
                .containsExactly(
                        new Violation(
                                "shoe_size",
                                ValidationCodes.SCHEMA_UNKNOWN_FIELD,
                                "is not a field of Avro record io.syncline.test.Customer",
                                "44"));
        assertThat(check.allowsUnknownFields()).isFalse();
    }

    @Test
    void derivesFieldSpecsInSchemaOrder() {
        assertThat(check.fields())
                .containsExactly(
                        Map.entry(
                                "id",
                                new FieldSpec("id", ExpectedType.INTEGER, true, false, List.of())),
                        Map.entry(
                                "name",
                                new FieldSpec("name", ExpectedType.STRING, true, false, List.of())),
                        Map.entry(
                                "age",
                                new FieldSpec("age", ExpectedType.INTEGER, true, false, List.of())),
                        Map.entry(
                                "score",
                                new FieldSpec(
                                        "score", ExpectedType.NUMBER, true, false, List.of())),
                        Map.entry(
                                "vip",
                                new FieldSpec(
                                        "vip", ExpectedType.BOOLEAN, false, false, List.of())),
                        Map.entry(
                                "nickname",
                                new FieldSpec(
                                        "nickname", ExpectedType.STRING, false, true, List.of())),
                        Map.entry(
                                "status",
                                new FieldSpec(
                                        "status",
                                        ExpectedType.STRING,
                                        true,
                                        false,
                                        List.of("ACTIVE", "BLOCKED"))),
                        Map.entry(
                                "born",
                                new FieldSpec("born", ExpectedType.DATE, true, false, List.of())),
                        Map.entry(
                                "balance",
                                new FieldSpec(
                                        "balance", ExpectedType.NUMBER, true, false, List.of())),
                        Map.entry(
                                "updated",
                                new FieldSpec(
                                        "updated", ExpectedType.DATE_TIME, false, true, List.of())),
                        Map.entry(
                                "ref",
                                new FieldSpec("ref", ExpectedType.STRING, false, true, List.of())),
                        Map.entry(
                                "hash",
                                new FieldSpec("hash", ExpectedType.ANY, false, true, List.of())),
                        Map.entry(
                                "tags",
                                new FieldSpec("tags", ExpectedType.ANY, false, false, List.of())),
                        Map.entry(
                                "code",
                                new FieldSpec("code", ExpectedType.ANY, false, true, List.of())));
    }

    @Test
    void rejectsTextThatIsNotAnAvroSchema() {
        assertThatThrownBy(() -> SchemaChecks.avro("{\"type\": \"record\", \"name\": "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Avro schema is invalid: ")
                .hasMessageContaining("it must be an Avro record schema such as");
        assertThatThrownBy(
                        () ->
                                SchemaChecks.avro(
                                        "{\"type\": \"record\", \"name\": \"Row\", \"fields\":"
                                                + " [{\"name\": \"a\", \"type\": \"Money\"}]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Avro schema is invalid: ")
                .hasMessageContaining("Money");
        assertThatThrownBy(
                        () ->
                                SchemaChecks.avro(
                                        "{\"type\": \"record\", \"name\": \"Row\", \"fields\":"
                                                + " [{\"name\": \"a\", \"type\": \"int\","
                                                + " \"default\": \"x\"}]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Avro schema is invalid: ")
                .hasMessageContaining("default");
    }

    @Test
    void rejectsASchemaThatIsNotARecord() {
        assertThatThrownBy(() -> SchemaChecks.avro("\"string\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Avro schema must be a record describing the row's fields, but is of type"
                                + " 'string'. Wrap the fields in {\"type\": \"record\", \"name\":"
                                + " ..., \"fields\": [...]}.");
    }
}

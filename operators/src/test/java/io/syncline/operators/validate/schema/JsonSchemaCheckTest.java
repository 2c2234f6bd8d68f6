package io.syncline.operators.validate.schema;

import static io.syncline.operators.validate.schema.Images.bool;
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
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.operators.validate.ExpectedType;
import io.syncline.operators.validate.FieldSpec;
import io.syncline.operators.validate.ValidationCodes;
import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonSchemaCheckTest {

    private static final String CUSTOMER =
            """
            {
              "type": "object",
              "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string", "minLength": 2, "maxLength": 40},
                "email": {"type": "string", "format": "email"},
                "age": {"type": "integer", "minimum": 0, "maximum": 150},
                "status": {"type": "string", "enum": ["ACTIVE", "BLOCKED"]},
                "born": {"type": "string", "format": "date"},
                "updated": {"type": "string", "format": "date-time"},
                "nickname": {"type": ["string", "null"]},
                "balance": {"type": "number", "minimum": 0},
                "vip": {"type": "boolean"},
                "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
                "prefs": {
                  "type": "object",
                  "properties": {"lang": {"type": "string"}},
                  "required": ["lang"]
                }
              },
              "required": ["id", "name"],
              "additionalProperties": false
            }
            """;

    private final JsonSchemaCheck check = SchemaChecks.jsonSchema(CUSTOMER);

    private static Map<String, FieldValue> validCustomer() {
        return image(
                "id", longValue(42),
                "name", string("Ada Lovelace"),
                "email", string("ada@example.com"),
                "age", integer(36),
                "status", string("ACTIVE"),
                "born", date("1815-12-10"),
                "updated", timestampTz("2024-01-31T10:15:30Z"),
                "nickname", nullOf(FieldKind.STRING),
                "balance", decimal("12.50"),
                "vip", bool(true),
                "code", string("ADA"),
                "prefs", json("{\"lang\": \"en\"}"));
    }

    private List<Violation> checkWith(String field, FieldValue value) {
        Map<String, FieldValue> image = validCustomer();
        image.put(field, value);
        return check.check(image);
    }

    @Test
    void acceptsAValidRow() {
        assertThat(check.check(validCustomer())).isEmpty();
    }

    @Test
    void reportsAWrongType() {
        assertThat(checkWith("age", string("old")))
                .containsExactly(
                        new Violation(
                                "age",
                                ValidationCodes.SCHEMA_TYPE_MISMATCH,
                                "string found, integer expected",
                                "old"));
    }

    @Test
    void reportsADecimalWhereAnIntegerIsExpected() {
        assertThat(checkWith("age", decimal("36.5")))
                .containsExactly(
                        new Violation(
                                "age",
                                ValidationCodes.SCHEMA_TYPE_MISMATCH,
                                "number found, integer expected",
                                "36.5"));
    }

    @Test
    void reportsMissingRequiredFieldsWithoutValue() {
        assertThat(check.check(image("name", string("Ada"))))
                .containsExactly(
                        new Violation(
                                "id",
                                ValidationCodes.SCHEMA_REQUIRED,
                                "required property 'id' not found",
                                null));
    }

    @Test
    void reportsNullInANonNullableFieldAsTypeMismatch() {
        assertThat(checkWith("name", nullOf(FieldKind.STRING)))
                .containsExactly(
                        new Violation(
                                "name",
                                ValidationCodes.SCHEMA_TYPE_MISMATCH,
                                "null found, string expected",
                                null));
    }

    @Test
    void reportsAValueOutsideTheEnumeration() {
        assertThat(checkWith("status", string("DELETED")))
                .containsExactly(
                        new Violation(
                                "status",
                                ValidationCodes.SCHEMA_ENUM,
                                "does not have a value in the enumeration [\"ACTIVE\", \"BLOCKED\"]",
                                "DELETED"));
    }

    @Test
    void reportsNumbersAndLengthsOutOfRange() {
        Map<String, FieldValue> image = validCustomer();
        image.put("age", integer(151));
        image.put("name", string("A"));
        image.put("balance", decimal("-0.01"));

        assertThat(check.check(image))
                .containsExactlyInAnyOrder(
                        new Violation(
                                "age",
                                ValidationCodes.SCHEMA_RANGE,
                                "must have a maximum value of 150",
                                "151"),
                        new Violation(
                                "name",
                                ValidationCodes.SCHEMA_RANGE,
                                "must be at least 2 characters long",
                                "A"),
                        new Violation(
                                "balance",
                                ValidationCodes.SCHEMA_RANGE,
                                "must have a minimum value of 0",
                                "-0.01"));
    }

    @Test
    void assertsFormatsAndPatterns() {
        Map<String, FieldValue> image = validCustomer();
        image.put("email", string("not-an-email"));
        image.put("born", string("2024-02-30"));
        image.put("code", string("ada"));

        assertThat(check.check(image))
                .extracting(Violation::field, Violation::code, Violation::value)
                .containsExactlyInAnyOrder(
                        tuple("email", ValidationCodes.SCHEMA_FORMAT, "not-an-email"),
                        tuple("born", ValidationCodes.SCHEMA_FORMAT, "2024-02-30"),
                        tuple("code", ValidationCodes.SCHEMA_FORMAT, "ada"));
    }

    @Test
    void aTimestampWithoutZoneIsNotAJsonSchemaDateTime() {
        assertThat(checkWith("updated", timestamp("2024-01-31T10:15:30")))
                .extracting(Violation::field, Violation::code, Violation::value)
                .containsExactly(
                        tuple("updated", ValidationCodes.SCHEMA_FORMAT, "2024-01-31T10:15:30"));
    }

    @Test
    void reportsAnUnknownFieldByItsName() {
        assertThat(checkWith("shoe_size", integer(44)))
                .containsExactly(
                        new Violation(
                                "shoe_size",
                                ValidationCodes.SCHEMA_UNKNOWN_FIELD,
                                "property 'shoe_size' is not defined in the schema and the schema"
                                        + " does not allow additional properties",
                                "44"));
    }

    @Test
    void aNullableUnionTakesNullButNotAnotherType() {
        assertThat(checkWith("nickname", string("Countess"))).isEmpty();
        assertThat(checkWith("nickname", integer(5)))
                .containsExactly(
                        new Violation(
                                "nickname",
                                ValidationCodes.SCHEMA_TYPE_MISMATCH,
                                "integer found, [string, null] expected",
                                "5"));
    }

    @Test
    void reportsANestedViolationOnItsTopLevelField() {
        assertThat(checkWith("prefs", json("{\"theme\":\"dark\"}")))
                .containsExactly(
                        new Violation(
                                "prefs",
                                ValidationCodes.SCHEMA_REQUIRED,
                                "required property 'lang' not found",
                                "{\"theme\":\"dark\"}"));
    }

    @Test
    void mapsOtherKeywordsToTheirCodes() {
        JsonSchemaCheck others =
                SchemaChecks.jsonSchema(
                        """
                        {
                          "properties": {
                            "kind": {"const": "customer"},
                            "rate": {"type": "number", "exclusiveMaximum": 1, "multipleOf": 0.25},
                            "zip": {"type": "string", "maxLength": 5},
                            "tags": {"type": "array", "maxItems": 1}
                          },
                          "dependentRequired": {"zip": ["country"]},
                          "unevaluatedProperties": false
                        }
                        """);

        List<Violation> violations =
                others.check(
                        image(
                                "kind", string("supplier"),
                                "rate", doubleValue(1.1),
                                "zip", string("123456"),
                                "tags", json("[\"a\", \"b\"]"),
                                "extra", bool(false)));

        assertThat(violations)
                .extracting(Violation::field, Violation::code, Violation::value)
                .containsExactlyInAnyOrder(
                        tuple("kind", ValidationCodes.SCHEMA_ENUM, "supplier"),
                        tuple("rate", ValidationCodes.SCHEMA_RANGE, "1.1"),
                        tuple("rate", ValidationCodes.SCHEMA_RANGE, "1.1"),
                        tuple("zip", ValidationCodes.SCHEMA_RANGE, "123456"),
                        tuple("tags", ValidationCodes.SCHEMA_VIOLATION, "[\"a\", \"b\"]"),
                        tuple("country", ValidationCodes.SCHEMA_REQUIRED, null),
                        tuple("extra", ValidationCodes.SCHEMA_UNKNOWN_FIELD, "false"));
    }

    @Test
    void derivesFieldSpecsFromTopLevelProperties() {
        assertThat(check.fields())
                .containsExactly(
                        Map.entry(
                                "id",
                                new FieldSpec("id", ExpectedType.INTEGER, true, false, List.of())),
                        Map.entry(
                                "name",
                                new FieldSpec("name", ExpectedType.STRING, true, false, List.of())),
                        Map.entry(
                                "email",
                                new FieldSpec(
                                        "email", ExpectedType.STRING, false, false, List.of())),
                        Map.entry(
                                "age",
                                new FieldSpec(
                                        "age", ExpectedType.INTEGER, false, false, List.of())),
                        Map.entry(
                                "status",
                                new FieldSpec(
                                        "status",
                                        ExpectedType.STRING,
                                        false,
                                        false,
                                        List.of("ACTIVE", "BLOCKED"))),
                        Map.entry(
                                "born",
                                new FieldSpec("born", ExpectedType.DATE, false, false, List.of())),
                        Map.entry(
                                "updated",
                                new FieldSpec(
                                        "updated",
                                        ExpectedType.DATE_TIME,
                                        false,
                                        false,
                                        List.of())),
                        Map.entry(
                                "nickname",
                                new FieldSpec(
                                        "nickname", ExpectedType.STRING, false, true, List.of())),
                        Map.entry(
                                "balance",
                                new FieldSpec(
                                        "balance", ExpectedType.NUMBER, false, false, List.of())),
                        Map.entry(
                                "vip",
                                new FieldSpec(
                                        "vip", ExpectedType.BOOLEAN, false, false, List.of())),
                        Map.entry(
                                "code",
                                new FieldSpec(
                                        "code", ExpectedType.STRING, false, false, List.of())),
                        Map.entry(
                                "prefs",
                                new FieldSpec("prefs", ExpectedType.ANY, false, false, List.of())));
        assertThat(check.allowsUnknownFields()).isFalse();
    }

    @Test
    void derivesFieldSpecsFromUnionsEnumsAndRequiredNamesWithoutProperty() {
        JsonSchemaCheck loose =
                SchemaChecks.jsonSchema(
                        """
                        {
                          "properties": {
                            "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                            "day": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
                            "size": {"enum": ["S", "M", null]},
                            "amount": {"type": ["integer", "number"]},
                            "anything": {}
                          },
                          "required": ["size", "tenant"]
                        }
                        """);

        assertThat(loose.fields())
                .containsExactly(
                        Map.entry(
                                "note",
                                new FieldSpec("note", ExpectedType.STRING, false, true, List.of())),
                        Map.entry(
                                "day",
                                new FieldSpec("day", ExpectedType.DATE, false, true, List.of())),
                        Map.entry(
                                "size",
                                new FieldSpec(
                                        "size",
                                        ExpectedType.STRING,
                                        true,
                                        true,
                                        List.of("S", "M"))),
                        Map.entry(
                                "amount",
                                new FieldSpec(
                                        "amount", ExpectedType.NUMBER, false, false, List.of())),
                        Map.entry(
                                "anything",
                                new FieldSpec(
                                        "anything", ExpectedType.ANY, false, true, List.of())),
                        Map.entry(
                                "tenant",
                                new FieldSpec("tenant", ExpectedType.ANY, true, true, List.of())));
        assertThat(loose.allowsUnknownFields()).isTrue();
    }

    @Test
    void honoursTheDraftNamedBySchema() {
        String draft4Body =
                """
                "properties": {"age": {"type": "integer", "maximum": 150, "exclusiveMaximum": true}}
                """;
        JsonSchemaCheck draft4 =
                SchemaChecks.jsonSchema(
                        "{\"$schema\": \"http://json-schema.org/draft-04/schema#\", "
                                + draft4Body
                                + "}");

        assertThat(draft4.check(image("age", integer(150))))
                .extracting(Violation::field, Violation::code, Violation::value)
                .containsExactly(tuple("age", ValidationCodes.SCHEMA_RANGE, "150"));
        assertThatThrownBy(() -> SchemaChecks.jsonSchema("{" + draft4Body + "}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid https://json-schema.org/draft/2020-12/schema")
                .hasMessageContaining("/properties/age/exclusiveMaximum");
    }

    @Test
    void rejectsTextThatIsNotJson() {
        assertThatThrownBy(() -> SchemaChecks.jsonSchema("{\"type\": \"object\",, }"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("JSON Schema is not valid JSON (line 1, column 19: ")
                .hasMessageEndingWith("Fix the JSON syntax of the schema text.");
    }

    @Test
    void rejectsAnInvalidSchemaNamingEachProblem() {
        assertThatThrownBy(
                        () ->
                                SchemaChecks.jsonSchema(
                                        "{\"properties\": {\"age\": {\"type\": \"int\"}},"
                                                + " \"required\": \"age\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "JSON Schema is not a valid https://json-schema.org/draft/2020-12/schema"
                                + " schema: ")
                .hasMessageContaining("/properties/age/type")
                .hasMessageContaining("/required string found, array expected")
                .hasMessageEndingWith("Fix the keywords at these locations of the schema.");
    }

    @Test
    void rejectsSchemasThatAreNotObjectsOrNameAnUnknownDraft() {
        assertThatThrownBy(() -> SchemaChecks.jsonSchema("[]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be a JSON object")
                .hasMessageEndingWith("got array.");
        assertThatThrownBy(() -> SchemaChecks.jsonSchema(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("got an empty text.");
        assertThatThrownBy(
                        () -> SchemaChecks.jsonSchema("{\"$schema\": \"https://example.com/s\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "JSON Schema names an unsupported $schema \"https://example.com/s\"")
                .hasMessageContaining("https://json-schema.org/draft/2020-12/schema")
                .hasMessageEndingWith("or leave $schema out for draft 2020-12.");
    }

    @Test
    void rejectsReferencesItCannotResolveWithoutLoadingAnything() {
        assertThatThrownBy(
                        () ->
                                SchemaChecks.jsonSchema(
                                        "{\"properties\": {\"a\": {\"$ref\":"
                                                + " \"https://example.com/a.json\"}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "JSON Schema cannot be compiled: Schema from 'https://example.com/a.json'"
                                + " is not allowed to be loaded. Fix the reference or keyword it"
                                + " names; a schema may only reference its own definitions ($ref"
                                + " \"#/$defs/...\").");
        assertThatThrownBy(
                        () ->
                                SchemaChecks.jsonSchema(
                                        "{\"properties\": {\"a\": {\"$ref\": \"#/$defs/nope\"}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/$defs/nope cannot be resolved");
    }

    @Test
    void resolvesLocalDefinitions() {
        JsonSchemaCheck withDefs =
                SchemaChecks.jsonSchema(
                        """
                        {
                          "$defs": {"percent": {"type": "integer", "minimum": 0, "maximum": 100}},
                          "properties": {"discount": {"$ref": "#/$defs/percent"}}
                        }
                        """);

        assertThat(withDefs.check(image("discount", integer(20)))).isEmpty();
        assertThat(withDefs.check(image("discount", integer(120))))
                .containsExactly(
                        new Violation(
                                "discount",
                                ValidationCodes.SCHEMA_RANGE,
                                "must have a maximum value of 100",
                                "120"));
    }
}

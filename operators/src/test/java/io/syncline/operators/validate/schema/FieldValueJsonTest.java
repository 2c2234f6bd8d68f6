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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class FieldValueJsonTest {

    @Test
    void keepsNumbersAsNumbersAndDecimalsExactly() {
        JsonNode intNode = FieldValueJson.toJsonNode(integer(7));
        JsonNode longNode = FieldValueJson.toJsonNode(longValue(9_000_000_000L));
        JsonNode floatNode = FieldValueJson.toJsonNode(new FieldValue(FieldKind.FLOAT, 1.5f));
        JsonNode doubleNode = FieldValueJson.toJsonNode(doubleValue(-2.25));
        JsonNode decimalNode = FieldValueJson.toJsonNode(decimal("12345678901234567890.0100"));

        assertThat(intNode.isInt()).isTrue();
        assertThat(intNode.intValue()).isEqualTo(7);
        assertThat(longNode.isLong()).isTrue();
        assertThat(longNode.longValue()).isEqualTo(9_000_000_000L);
        assertThat(floatNode.doubleValue()).isEqualTo(1.5);
        assertThat(doubleNode.doubleValue()).isEqualTo(-2.25);
        assertThat(decimalNode.isBigDecimal()).isTrue();
        assertThat(decimalNode.decimalValue())
                .isEqualTo(new BigDecimal("12345678901234567890.0100"));
    }

    @Test
    void writesBooleansAndTextAsThemselves() {
        assertThat(FieldValueJson.toJsonNode(bool(true)).booleanValue()).isTrue();
        assertThat(FieldValueJson.toJsonNode(string("Ada")).textValue()).isEqualTo("Ada");
        assertThat(
                        FieldValueJson.toJsonNode(uuid("0b9e6c4e-3f5e-4c1a-9d7e-2f1c3b4a5d6e"))
                                .textValue())
                .isEqualTo("0b9e6c4e-3f5e-4c1a-9d7e-2f1c3b4a5d6e");
    }

    @Test
    void writesDatesAndTimesAsIsoText() {
        assertThat(FieldValueJson.toJsonNode(date("2024-01-31")).textValue())
                .isEqualTo("2024-01-31");
        assertThat(
                        FieldValueJson.toJsonNode(new FieldValue(FieldKind.TIME, 36_930_000_123L))
                                .textValue())
                .isEqualTo("10:15:30.000123");
        assertThat(FieldValueJson.toJsonNode(timestamp("2024-01-31T10:15:30")).textValue())
                .isEqualTo("2024-01-31T10:15:30");
        assertThat(FieldValueJson.toJsonNode(timestampTz("2024-01-31T10:15:30Z")).textValue())
                .isEqualTo("2024-01-31T10:15:30Z");
    }

    @Test
    void parsesJsonColumnsAndKeepsUnparsableJsonAsText() {
        JsonNode parsed = FieldValueJson.toJsonNode(json("{\"lang\": \"en\", \"n\": [1, 2.50]}"));
        JsonNode broken = FieldValueJson.toJsonNode(json("{\"lang\": "));
        JsonNode trailing = FieldValueJson.toJsonNode(json("1 2"));

        assertThat(parsed.getNodeType()).isEqualTo(JsonNodeType.OBJECT);
        assertThat(parsed.get("lang").textValue()).isEqualTo("en");
        assertThat(parsed.get("n").get(1).decimalValue()).isEqualTo(new BigDecimal("2.50"));
        assertThat(broken.textValue()).isEqualTo("{\"lang\": ");
        assertThat(trailing.textValue()).isEqualTo("1 2");
    }

    @Test
    void writesBytesAsHexAndNonFiniteNumbersAsText() {
        assertThat(FieldValueJson.toJsonNode(bytes(0xca, 0xfe)).textValue()).isEqualTo("0xcafe");
        assertThat(FieldValueJson.toJsonNode(doubleValue(Double.NaN)).textValue()).isEqualTo("NaN");
    }

    @Test
    void writesSqlNullAsJsonNullAndLeavesAbsentKeysOut() {
        ObjectNode object =
                FieldValueJson.toObjectNode(
                        image("id", integer(1), "name", nullOf(FieldKind.STRING), "gone", null));

        assertThat(object.toString()).isEqualTo("{\"id\":1,\"name\":null,\"gone\":null}");
        assertThat(object.has("email")).isFalse();
    }
}

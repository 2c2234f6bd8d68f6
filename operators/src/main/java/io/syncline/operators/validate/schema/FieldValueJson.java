package io.syncline.operators.validate.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncline.operators.validate.FieldValues;
import io.syncline.schema.FieldValue;
import java.math.BigDecimal;
import java.util.Map;

/**
 * Converts a row image to the JSON document a JSON Schema checks: numbers stay numbers (decimals
 * exactly), dates and times become ISO-8601 text, JSON columns become their parsed tree.
 */
public final class FieldValueJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER =
            new ObjectMapper()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private FieldValueJson() {}

    /** The image as a JSON object with one property per key; absent keys stay absent. */
    public static ObjectNode toObjectNode(Map<String, FieldValue> image) {
        ObjectNode object = NODES.objectNode();
        image.forEach((name, value) -> object.set(name, toJsonNode(value)));
        return object;
    }

    /**
     * One value as JSON: {@code NullNode} for SQL NULL, bytes as the hex text of {@link
     * FieldValues#text}, non-finite floating point numbers as text (JSON has no NaN), JSON text
     * that does not parse as a string.
     */
    public static JsonNode toJsonNode(FieldValue value) {
        if (FieldValues.isNull(value)) {
            return NODES.nullNode();
        }
        Object raw = value.getValue();
        return switch (value.getKind()) {
            case BOOLEAN -> NODES.booleanNode((Boolean) raw);
            case INT -> NODES.numberNode(((Number) raw).intValue());
            case LONG -> NODES.numberNode(((Number) raw).longValue());
            case FLOAT, DOUBLE -> floating(((Number) raw).doubleValue());
            case DECIMAL -> decimal(raw.toString());
            case JSON -> parsed(raw.toString());
            case UNKNOWN -> unknown(raw, value);
            default -> NODES.textNode(FieldValues.text(value));
        };
    }

    private static JsonNode floating(double number) {
        return Double.isFinite(number)
                ? NODES.numberNode(number)
                : NODES.textNode(Double.toString(number));
    }

    private static JsonNode decimal(String text) {
        try {
            return DecimalNode.valueOf(new BigDecimal(text));
        } catch (NumberFormatException e) {
            return NODES.textNode(text);
        }
    }

    private static JsonNode parsed(String text) {
        try {
            JsonNode tree = MAPPER.readTree(text);
            return tree == null || tree.isMissingNode() ? NODES.textNode(text) : tree;
        } catch (JsonProcessingException e) {
            return NODES.textNode(text);
        }
    }

    private static JsonNode unknown(Object raw, FieldValue value) {
        if (raw instanceof Boolean bool) {
            return NODES.booleanNode(bool);
        }
        if (raw instanceof Integer || raw instanceof Long) {
            return NODES.numberNode(((Number) raw).longValue());
        }
        if (raw instanceof Number number) {
            return floating(number.doubleValue());
        }
        return NODES.textNode(FieldValues.text(value));
    }
}

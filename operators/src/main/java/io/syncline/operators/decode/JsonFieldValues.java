package io.syncline.operators.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Column values that arrive as JSON without a schema (Debezium without schemas, webhooks), typed by
 * their JSON form; the target's column types cast them when they are written.
 */
public final class JsonFieldValues {

    private JsonFieldValues() {}

    /** The fields of a JSON object as a row image, in the order sent. */
    public static Map<String, FieldValue> imageOf(JsonNode row) {
        Map<String, FieldValue> image = new LinkedHashMap<>(row.size() * 2);
        for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            image.put(field.getKey(), of(field.getValue()));
        }
        return image;
    }

    /**
     * A value without a schema, typed by its JSON form: whole numbers as LONG (DECIMAL when too
     * big), other numbers as DOUBLE, nested objects and arrays as JSON text.
     */
    public static FieldValue of(JsonNode value) {
        if (value.isNull()) {
            return new FieldValue(FieldKind.UNKNOWN, null);
        }
        if (value.isBoolean()) {
            return new FieldValue(FieldKind.BOOLEAN, value.booleanValue());
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToLong()
                    ? new FieldValue(FieldKind.LONG, value.longValue())
                    : new FieldValue(FieldKind.DECIMAL, value.bigIntegerValue().toString());
        }
        if (value.isNumber()) {
            return new FieldValue(FieldKind.DOUBLE, value.doubleValue());
        }
        if (value.isTextual()) {
            return new FieldValue(FieldKind.STRING, value.textValue());
        }
        return new FieldValue(FieldKind.JSON, value.toString());
    }
}

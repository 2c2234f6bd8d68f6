package io.syncline.operators.decode.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Checks that a payload's JSON values have the types its schema declares. Kafka's JsonConverter
 * reads a number from any node, so a text {@code "one"} in an {@code int32} field would silently
 * become 0; this check turns such a message into an error instead.
 */
final class PayloadTypeCheck {

    private PayloadTypeCheck() {}

    /** The first value that does not fit its schema, described with its path; null when all fit. */
    static String firstMismatch(JsonNode schema, JsonNode payload) {
        return mismatch(schema, payload, "payload");
    }

    private static String mismatch(JsonNode schema, JsonNode value, String path) {
        if (value == null || value.isNull() || schema == null || !schema.isObject()) {
            // Missing and null values are the converter's to judge against "optional".
            return null;
        }
        String type = schema.path("type").asText();
        boolean fits =
                switch (type) {
                    case "int8", "int16", "int32", "int64" ->
                            value.isIntegralNumber() && value.canConvertToLong();
                    case "float", "double" -> value.isNumber();
                    case "boolean" -> value.isBoolean();
                    case "string" -> value.isTextual();
                        // Connect's Decimal may be written as a number (decimal.format=NUMERIC).
                    case "bytes" -> value.isTextual() || value.isNumber();
                    case "struct", "map" -> value.isObject() || value.isArray();
                    case "array" -> value.isArray();
                    default -> true;
                };
        if (!fits) {
            return path + " is " + kindOf(value) + " where the schema says " + type;
        }
        if (type.equals("struct")) {
            for (JsonNode field : schema.path("fields")) {
                String name = field.path("field").asText();
                String found = mismatch(field, value.get(name), path + "." + name);
                if (found != null) {
                    return found;
                }
            }
        } else if (type.equals("array")) {
            int index = 0;
            for (JsonNode item : value) {
                String found = mismatch(schema.get("items"), item, path + "[" + index++ + "]");
                if (found != null) {
                    return found;
                }
            }
        } else if (type.equals("map") && value.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String found =
                        mismatch(
                                schema.get("values"),
                                entry.getValue(),
                                path + "." + entry.getKey());
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static String kindOf(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "text";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}

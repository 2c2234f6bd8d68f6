package io.syncline.operators.decode.debezium;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.syncline.operators.decode.ConnectValues;
import io.syncline.operators.decode.JsonFieldValues;
import io.syncline.operators.decode.UnsupportedValueException;
import io.syncline.schema.FieldValue;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;

/**
 * Reads the JSON a Debezium connector wrote through Kafka Connect's JsonConverter, with {@code
 * schemas.enable=true} (a {@code schema}/{@code payload} wrapper) or {@code false} (the bare
 * payload). With a schema, Connect's own converter rebuilds the Structs, so values are typed
 * exactly as the Postgres decoder types them ({@link ConnectValues}); without one, kinds are
 * inferred from the JSON.
 */
final class DebeziumJsonReader {

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final JsonConverter withSchemas = new JsonConverter();

    DebeziumJsonReader() {
        withSchemas.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, true), false);
    }

    /**
     * The envelope in {@code value}, or null when it carries no payload (a tombstone written with a
     * schema wrapper).
     */
    DebeziumEnvelope read(String topic, byte[] value)
            throws MalformedMessageException, UnsupportedValueException {
        JsonNode root = parse(value, "value");
        if (hasSchemaWrapper(root)) {
            if (root.get("schema").isNull()) {
                return root.get("payload").isNull() ? null : fromJson(root.get("payload"));
            }
            String mismatch =
                    PayloadTypeCheck.firstMismatch(root.get("schema"), root.get("payload"));
            if (mismatch != null) {
                throw new MalformedMessageException(mismatch);
            }
            SchemaAndValue connect;
            try {
                connect = withSchemas.toConnectData(topic, value);
            } catch (DataException e) {
                throw new MalformedMessageException(
                        "its schema envelope cannot be read (" + e.getMessage() + ")");
            }
            if (connect.value() == null) {
                return null;
            }
            if (!(connect.value() instanceof Struct struct)) {
                throw new MalformedMessageException("its payload is not a JSON object");
            }
            return DebeziumEnvelope.of(struct);
        }
        return fromJson(root);
    }

    /** The fields of a record key, with or without a schema wrapper; empty when there is none. */
    Map<String, FieldValue> readKey(String topic, byte[] key)
            throws MalformedMessageException, UnsupportedValueException {
        if (key == null) {
            return Map.of();
        }
        JsonNode root = parse(key, "key");
        if (hasSchemaWrapper(root) && !root.get("schema").isNull()) {
            String mismatch =
                    PayloadTypeCheck.firstMismatch(root.get("schema"), root.get("payload"));
            if (mismatch != null) {
                throw new MalformedMessageException("its key's " + mismatch);
            }
            Object connect;
            try {
                connect = withSchemas.toConnectData(topic, key).value();
            } catch (DataException e) {
                throw new MalformedMessageException(
                        "its key's schema envelope cannot be read (" + e.getMessage() + ")");
            }
            return connect instanceof Struct struct ? DebeziumEnvelope.imageOf(struct) : Map.of();
        }
        JsonNode payload = hasSchemaWrapper(root) ? root.get("payload") : root;
        return payload.isObject() ? imageOf(payload) : Map.of();
    }

    private static JsonNode parse(byte[] bytes, String part) throws MalformedMessageException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            String reason =
                    e instanceof JsonProcessingException json ? json.getOriginalMessage() : "";
            throw new MalformedMessageException("its " + part + " is not JSON (" + reason + ")");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedMessageException("its " + part + " is not a JSON object");
        }
        return root;
    }

    private static boolean hasSchemaWrapper(JsonNode root) {
        return root.size() == 2 && root.has("schema") && root.has("payload");
    }

    private static DebeziumEnvelope fromJson(JsonNode envelope) throws MalformedMessageException {
        if (!envelope.isObject()) {
            throw new MalformedMessageException("its payload is not a JSON object");
        }
        Set<String> present = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = envelope.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isNull()) {
                present.add(field.getKey());
            }
        }
        JsonNode source = objectOrNull(envelope, "source");
        Map<String, Object> sourceValues = null;
        if (source != null) {
            sourceValues = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = field.getValue();
                if (value.isIntegralNumber() && value.canConvertToLong()) {
                    sourceValues.put(field.getKey(), value.longValue());
                } else if (value.isValueNode() && !value.isNull()) {
                    sourceValues.put(field.getKey(), value.asText());
                }
            }
        }
        JsonNode before = objectOrNull(envelope, "before");
        JsonNode after = objectOrNull(envelope, "after");
        JsonNode transaction = objectOrNull(envelope, "transaction");
        JsonNode op = envelope.get("op");
        JsonNode tsMs = envelope.get("ts_ms");
        JsonNode transactionId = transaction == null ? null : transaction.get("id");
        return new DebeziumEnvelope(
                present,
                op == null || op.isNull() ? null : op.asText(),
                sourceValues,
                before == null ? null : imageOf(before),
                after == null ? null : imageOf(after),
                tsMs != null && tsMs.isIntegralNumber() ? tsMs.longValue() : null,
                transactionId == null || transactionId.isNull() ? null : transactionId.asText());
    }

    private static Map<String, FieldValue> imageOf(JsonNode row) {
        return JsonFieldValues.imageOf(row);
    }

    private static JsonNode objectOrNull(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isObject() ? value : null;
    }
}

package io.syncline.operators.decode.debezium;

import io.syncline.operators.decode.ConnectValues;
import io.syncline.operators.decode.UnsupportedValueException;
import io.syncline.schema.FieldValue;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * The parts of one Debezium message the decoder reads, the same whether the message came with its
 * schema or without: the decoder's rules then apply to both alike.
 *
 * @param fields the top-level fields that have a value, to tell what a message without {@code op}
 *     is (a schema change, a transaction boundary, a heartbeat)
 * @param op the operation code, or null
 * @param source the {@code source} block's plain values (text, numbers, booleans), or null
 * @param before the old row image, typed, or null
 * @param after the new row image, typed, or null
 * @param captureMillis the envelope's {@code ts_ms}: when the connector read the change, or null
 * @param transactionId the {@code transaction} block's id, or null
 */
record DebeziumEnvelope(
        Set<String> fields,
        String op,
        Map<String, Object> source,
        Map<String, FieldValue> before,
        Map<String, FieldValue> after,
        Long captureMillis,
        String transactionId) {

    String sourceText(String name) {
        Object value = source == null ? null : source.get(name);
        return value == null ? null : value.toString();
    }

    Long sourceNumber(String name) {
        return source != null && source.get(name) instanceof Number n ? n.longValue() : null;
    }

    /**
     * The envelope of a message read into Connect {@link Struct}s (JSON with schemas, Avro), with
     * its row images typed by their Connect schemas ({@link ConnectValues}).
     */
    static DebeziumEnvelope of(Struct envelope) throws UnsupportedValueException {
        Set<String> present = new LinkedHashSet<>();
        for (Field field : envelope.schema().fields()) {
            if (envelope.get(field) != null) {
                present.add(field.name());
            }
        }
        Struct source = structOrNull(envelope, "source");
        Map<String, Object> sourceValues = null;
        if (source != null) {
            sourceValues = new LinkedHashMap<>();
            for (Field field : source.schema().fields()) {
                Object value = source.get(field);
                if (value != null && !(value instanceof Struct)) {
                    sourceValues.put(field.name(), value);
                }
            }
        }
        Struct before = structOrNull(envelope, "before");
        Struct after = structOrNull(envelope, "after");
        Struct transaction = structOrNull(envelope, "transaction");
        Object op = valueOrNull(envelope, "op");
        Object tsMs = valueOrNull(envelope, "ts_ms");
        Object transactionId = transaction == null ? null : valueOrNull(transaction, "id");
        return new DebeziumEnvelope(
                present,
                op == null ? null : op.toString(),
                sourceValues,
                before == null ? null : imageOf(before),
                after == null ? null : imageOf(after),
                tsMs instanceof Number n ? n.longValue() : null,
                transactionId == null ? null : transactionId.toString());
    }

    static Map<String, FieldValue> imageOf(Struct row) throws UnsupportedValueException {
        Map<String, FieldValue> image = new LinkedHashMap<>(row.schema().fields().size() * 2);
        for (Field field : row.schema().fields()) {
            image.put(field.name(), ConnectValues.convert(row, field));
        }
        return image;
    }

    private static Struct structOrNull(Struct struct, String name) {
        return valueOrNull(struct, name) instanceof Struct nested ? nested : null;
    }

    private static Object valueOrNull(Struct struct, String name) {
        return struct.schema().field(name) == null ? null : struct.get(name);
    }
}

package io.syncline.operators.decode.debezium;

import io.syncline.schema.FieldValue;
import java.util.Map;
import java.util.Set;

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
}

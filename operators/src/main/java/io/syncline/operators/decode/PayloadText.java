package io.syncline.operators.decode;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * Renders a Kafka Connect value as text for an error payload. Like {@link Struct#toString()}, but
 * bytes are written by content: {@code byte[]}'s own {@code toString()} is an identity hash, which
 * would make the payload, and so the error id derived from it, differ on every replay.
 */
final class PayloadText {

    private PayloadText() {}

    static String of(Object value) {
        StringBuilder text = new StringBuilder();
        append(text, value);
        return text.toString();
    }

    private static void append(StringBuilder text, Object value) {
        if (value instanceof Struct struct) {
            text.append("Struct{");
            boolean first = true;
            for (Field field : struct.schema().fields()) {
                Object fieldValue = struct.get(field);
                if (fieldValue == null) {
                    continue;
                }
                if (!first) {
                    text.append(',');
                }
                first = false;
                text.append(field.name()).append('=');
                append(text, fieldValue);
            }
            text.append('}');
        } else if (value instanceof byte[] bytes) {
            text.append("0x").append(HexFormat.of().formatHex(bytes));
        } else if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            append(text, bytes);
        } else if (value instanceof List<?> list) {
            text.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    text.append(", ");
                }
                append(text, list.get(i));
            }
            text.append(']');
        } else if (value instanceof Map<?, ?> map) {
            text.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    text.append(", ");
                }
                first = false;
                append(text, entry.getKey());
                text.append('=');
                append(text, entry.getValue());
            }
            text.append('}');
        } else {
            text.append(value);
        }
    }
}

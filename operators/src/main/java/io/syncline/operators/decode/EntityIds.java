package io.syncline.operators.decode;

import io.syncline.schema.FieldValue;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.StringJoiner;

/**
 * An entity's id: its key columns' values in their canonical text (exact decimals, hex bytes),
 * joined by {@code /} in key order. Every reader of a source (the change stream, backfills,
 * re-syncs) makes ids this way, so one entity has one id.
 */
public final class EntityIds {

    private EntityIds() {}

    /** The id of the key values {@code parts}, or null when one of them is missing. */
    public static String of(List<FieldValue> parts) {
        StringJoiner id = new StringJoiner("/");
        for (FieldValue part : parts) {
            if (part == null || part.getValue() == null) {
                return null;
            }
            id.add(keyText(part.getValue()));
        }
        return id.toString();
    }

    private static String keyText(Object value) {
        if (!(value instanceof ByteBuffer bytes)) {
            return value.toString();
        }
        StringBuilder hex = new StringBuilder("0x");
        ByteBuffer copy = bytes.duplicate();
        while (copy.hasRemaining()) {
            hex.append(String.format("%02x", copy.get()));
        }
        return hex.toString();
    }
}

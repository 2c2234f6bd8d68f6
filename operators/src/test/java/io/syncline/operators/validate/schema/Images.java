package io.syncline.operators.validate.schema;

import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds row images and field values for the schema check tests. */
final class Images {

    private Images() {}

    /** An image from alternating names and values, in that order; a value may be null. */
    static Map<String, FieldValue> image(Object... namesAndValues) {
        Map<String, FieldValue> image = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            image.put((String) namesAndValues[i], (FieldValue) namesAndValues[i + 1]);
        }
        return image;
    }

    static FieldValue string(String text) {
        return new FieldValue(FieldKind.STRING, text);
    }

    static FieldValue integer(int number) {
        return new FieldValue(FieldKind.INT, number);
    }

    static FieldValue longValue(long number) {
        return new FieldValue(FieldKind.LONG, number);
    }

    static FieldValue doubleValue(double number) {
        return new FieldValue(FieldKind.DOUBLE, number);
    }

    static FieldValue decimal(String plain) {
        return new FieldValue(FieldKind.DECIMAL, plain);
    }

    static FieldValue bool(boolean value) {
        return new FieldValue(FieldKind.BOOLEAN, value);
    }

    static FieldValue date(String iso) {
        return new FieldValue(FieldKind.DATE, (int) LocalDate.parse(iso).toEpochDay());
    }

    static FieldValue timestamp(String iso) {
        LocalDateTime time = LocalDateTime.parse(iso);
        long micros = time.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + time.getNano() / 1000;
        return new FieldValue(FieldKind.TIMESTAMP, micros);
    }

    static FieldValue timestampTz(String iso) {
        return new FieldValue(FieldKind.TIMESTAMP_TZ, iso);
    }

    static FieldValue json(String text) {
        return new FieldValue(FieldKind.JSON, text);
    }

    static FieldValue uuid(String text) {
        return new FieldValue(FieldKind.UUID, text);
    }

    static FieldValue bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return new FieldValue(FieldKind.BYTES, ByteBuffer.wrap(bytes));
    }

    static FieldValue nullOf(FieldKind kind) {
        return new FieldValue(kind, null);
    }
}

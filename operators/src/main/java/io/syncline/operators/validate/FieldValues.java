package io.syncline.operators.validate;

import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HexFormat;

/** Reads {@link FieldValue}s as text and builds them, for rules, messages and corrections. */
public final class FieldValues {

    private static final long MICROS_PER_SECOND = 1_000_000L;

    private FieldValues() {}

    /** Whether {@code value} is absent or SQL NULL. */
    public static boolean isNull(FieldValue value) {
        return value == null || value.getValue() == null;
    }

    /**
     * The value as text: numbers and decimals plainly, dates and times in ISO-8601, bytes in hex;
     * {@code null} for SQL NULL.
     */
    public static String text(FieldValue value) {
        if (isNull(value)) {
            return null;
        }
        Object raw = value.getValue();
        return switch (value.getKind()) {
            case DATE -> LocalDate.ofEpochDay(((Number) raw).longValue()).toString();
            case TIME -> LocalTime.ofNanoOfDay(((Number) raw).longValue() * 1000L).toString();
            case TIMESTAMP -> timestamp(((Number) raw).longValue()).toString();
            case BYTES -> "0x" + HexFormat.of().formatHex(bytes((ByteBuffer) raw));
            default -> raw.toString();
        };
    }

    /** Whether the value is a number (integer, floating point or decimal). */
    public static boolean isNumeric(FieldValue value) {
        return !isNull(value)
                && switch (value.getKind()) {
                    case INT, LONG, FLOAT, DOUBLE, DECIMAL -> true;
                    default -> false;
                };
    }

    /** A text value. */
    public static FieldValue string(String text) {
        return new FieldValue(FieldKind.STRING, text);
    }

    /** SQL NULL of the given kind. */
    public static FieldValue nullOf(FieldKind kind) {
        return new FieldValue(kind, null);
    }

    private static LocalDateTime timestamp(long micros) {
        long seconds = Math.floorDiv(micros, MICROS_PER_SECOND);
        long nanos = Math.floorMod(micros, MICROS_PER_SECOND) * 1000L;
        return LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC);
    }

    /** Microseconds since the epoch of {@code instant}, as {@link FieldKind#TIMESTAMP} holds. */
    public static long micros(Instant instant) {
        return Math.addExact(
                Math.multiplyExact(instant.getEpochSecond(), MICROS_PER_SECOND),
                instant.getNano() / 1000L);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}

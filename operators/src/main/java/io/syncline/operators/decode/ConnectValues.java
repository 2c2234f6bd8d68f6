package io.syncline.operators.decode;

import io.debezium.data.SpecialValueDecimal;
import io.debezium.data.VariableScaleDecimal;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Converts Kafka Connect values, as Debezium emits them, into {@link FieldValue}s that keep the
 * column's type: dates as days, times and timestamps as microseconds, decimals exact.
 */
public final class ConnectValues {

    private ConnectValues() {}

    /** The value of {@code field} in {@code row}, typed by the field's Connect schema. */
    public static FieldValue convert(Struct row, Field field) throws UnsupportedValueException {
        return convert(field.name(), field.schema(), row.get(field));
    }

    static FieldValue convert(String column, Schema schema, Object value)
            throws UnsupportedValueException {
        FieldKind kind = kindOf(column, schema);
        if (value == null) {
            return new FieldValue(kind, null);
        }
        return new FieldValue(kind, valueOf(column, schema, kind, value));
    }

    private static FieldKind kindOf(String column, Schema schema) throws UnsupportedValueException {
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date":
                    return FieldKind.DATE;
                case "io.debezium.time.Time",
                        "io.debezium.time.MicroTime",
                        "io.debezium.time.NanoTime",
                        "org.apache.kafka.connect.data.Time":
                    return FieldKind.TIME;
                case "io.debezium.time.Timestamp",
                        "io.debezium.time.MicroTimestamp",
                        "io.debezium.time.NanoTimestamp",
                        "org.apache.kafka.connect.data.Timestamp":
                    return FieldKind.TIMESTAMP;
                case "io.debezium.time.ZonedTimestamp":
                    return FieldKind.TIMESTAMP_TZ;
                case "org.apache.kafka.connect.data.Decimal",
                        "io.debezium.data.VariableScaleDecimal":
                    return FieldKind.DECIMAL;
                case "io.debezium.data.Json":
                    return FieldKind.JSON;
                case "io.debezium.data.Uuid":
                    return FieldKind.UUID;
                default:
                    break;
            }
        }
        return switch (schema.type()) {
            case BOOLEAN -> FieldKind.BOOLEAN;
            case INT8, INT16, INT32 -> FieldKind.INT;
            case INT64 -> FieldKind.LONG;
            case FLOAT32 -> FieldKind.FLOAT;
            case FLOAT64 -> FieldKind.DOUBLE;
            case STRING -> FieldKind.STRING;
            case BYTES -> FieldKind.BYTES;
            case ARRAY -> FieldKind.JSON;
            case STRUCT, MAP ->
                    throw new UnsupportedValueException(
                            "column '"
                                    + column
                                    + "' has type "
                                    + (name != null ? name : schema.type())
                                    + ", which Syncline cannot replicate; exclude the column or"
                                    + " cast it to text in a view");
        };
    }

    private static Object valueOf(String column, Schema schema, FieldKind kind, Object value)
            throws UnsupportedValueException {
        String name = schema.name() == null ? "" : schema.name();
        return switch (kind) {
            case DATE -> value instanceof Date d ? (int) (d.getTime() / 86_400_000L) : value;
            case TIME -> timeMicros(name, value);
            case TIMESTAMP -> timestampMicros(name, value);
            case DECIMAL -> decimal(column, value);
            case INT -> ((Number) value).intValue();
            case BYTES -> value instanceof byte[] b ? ByteBuffer.wrap(b) : value;
            case JSON -> value instanceof List<?> list ? JsonArrays.of(list) : value;
            default -> value;
        };
    }

    private static long timeMicros(String name, Object value) {
        return switch (name) {
            case "io.debezium.time.Time" -> ((Number) value).longValue() * 1000;
            case "io.debezium.time.NanoTime" -> ((Number) value).longValue() / 1000;
            case "org.apache.kafka.connect.data.Time" -> ((Date) value).getTime() * 1000;
            default -> ((Number) value).longValue();
        };
    }

    private static long timestampMicros(String name, Object value) {
        return switch (name) {
            case "io.debezium.time.Timestamp" ->
                    TimeUnit.MILLISECONDS.toMicros(((Number) value).longValue());
            case "io.debezium.time.NanoTimestamp" -> ((Number) value).longValue() / 1000;
            case "org.apache.kafka.connect.data.Timestamp" ->
                    TimeUnit.MILLISECONDS.toMicros(((Date) value).getTime());
            default -> ((Number) value).longValue();
        };
    }

    private static String decimal(String column, Object value) throws UnsupportedValueException {
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof Struct struct) {
            SpecialValueDecimal special = VariableScaleDecimal.toLogical(struct);
            return special.getDecimalValue()
                    .map(BigDecimal::toPlainString)
                    .orElseThrow(
                            () ->
                                    new UnsupportedValueException(
                                            "column '"
                                                    + column
                                                    + "' holds "
                                                    + special
                                                    + ", which has no exact decimal form"));
        }
        return value.toString();
    }
}

package io.syncline.operators.read;

import io.syncline.operators.decode.JsonArrays;
import io.syncline.operators.decode.UnsupportedValueException;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * Converts PostgreSQL column values read over JDBC into {@link FieldValue}s of the kinds the change
 * stream's decoder gives the same columns (Debezium's defaults: exact decimals, times and
 * timestamps in microseconds, zoned timestamps as ISO-8601 in UTC, arrays as JSON), so a row read
 * by a backfill and the same row streamed are the same entity state.
 */
public final class JdbcValues {

    private static final LocalDateTime EPOCH = LocalDateTime.of(1970, 1, 1, 0, 0);

    private JdbcValues() {}

    /**
     * The value of column {@code index} of the current row.
     *
     * @param column the column's name, for the error message
     * @param typeName the column's PostgreSQL type as the driver names it, e.g. {@code int4}
     */
    public static FieldValue read(ResultSet row, int index, String column, String typeName)
            throws SQLException, UnsupportedValueException {
        FieldKind kind = kindOf(typeName);
        if (row.getObject(index) == null) {
            return new FieldValue(kind, null);
        }
        Object value =
                switch (kind) {
                    case BOOLEAN -> row.getBoolean(index);
                    case INT -> row.getInt(index);
                    case LONG -> row.getLong(index);
                    case FLOAT -> row.getFloat(index);
                    case DOUBLE -> row.getDouble(index);
                    case DECIMAL -> decimal(row, index, column);
                    case BYTES -> ByteBuffer.wrap(row.getBytes(index));
                    case DATE -> (int) row.getObject(index, LocalDate.class).toEpochDay();
                    case TIME -> row.getObject(index, LocalTime.class).toNanoOfDay() / 1000;
                    case TIMESTAMP ->
                            ChronoUnit.MICROS.between(
                                    EPOCH, row.getObject(index, LocalDateTime.class));
                    case TIMESTAMP_TZ ->
                            row.getObject(index, OffsetDateTime.class)
                                    .withOffsetSameInstant(ZoneOffset.UTC)
                                    .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                    case JSON ->
                            typeName.startsWith("_")
                                    ? array(row.getArray(index))
                                    : text(row, index);
                    default -> row.getString(index);
                };
        return new FieldValue(kind, value);
    }

    /** The kind the decoder gives a column of PostgreSQL type {@code typeName}. */
    static FieldKind kindOf(String typeName) {
        if (typeName.startsWith("_")) {
            return FieldKind.JSON;
        }
        return switch (typeName) {
            case "bool" -> FieldKind.BOOLEAN;
            case "int2", "int4" -> FieldKind.INT;
            case "int8" -> FieldKind.LONG;
            case "float4" -> FieldKind.FLOAT;
            case "float8" -> FieldKind.DOUBLE;
            case "numeric", "money" -> FieldKind.DECIMAL;
            case "bytea" -> FieldKind.BYTES;
            case "date" -> FieldKind.DATE;
            case "time" -> FieldKind.TIME;
            case "timestamp" -> FieldKind.TIMESTAMP;
            case "timestamptz" -> FieldKind.TIMESTAMP_TZ;
            case "json", "jsonb" -> FieldKind.JSON;
            case "uuid" -> FieldKind.UUID;
            default -> FieldKind.STRING;
        };
    }

    private static String text(ResultSet row, int index) throws SQLException {
        return row.getString(index);
    }

    private static String decimal(ResultSet row, int index, String column)
            throws SQLException, UnsupportedValueException {
        String text = row.getString(index);
        try {
            return new BigDecimal(text.replace("$", "").replace(",", "")).toPlainString();
        } catch (NumberFormatException e) {
            throw new UnsupportedValueException(
                    "column '" + column + "' holds " + text + ", which has no exact decimal form");
        }
    }

    private static String array(Array array) throws SQLException {
        return JsonArrays.of(Arrays.asList((Object[]) array.getArray()));
    }
}

package io.syncline.operators.sink;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;

/**
 * Writes changes of one entity type into its {@link TargetTable} with the version-guarded upsert. A
 * delete keeps the key, nulls the other columns and marks the row deleted, so the tombstone's
 * version still guards against older changes.
 */
public final class VersionGuardedUpsert implements JdbcQueryStatement<ChangeEvent> {

    private static final long serialVersionUID = 1L;

    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private final TargetTable table;
    private final String sql;

    public VersionGuardedUpsert(TargetTable table) {
        this.table = table;
        this.sql = table.upsertSql();
    }

    @Override
    public String query() {
        return sql;
    }

    @Override
    public void statement(PreparedStatement statement, ChangeEvent event) throws SQLException {
        int index = bindRow(statement, 1, table.columns(), table.primaryKey(), event);
        statement.setLong(index++, event.getVersion());
        statement.setBoolean(index, event.getOp() == Operation.DELETE);
    }

    /**
     * Binds the row of {@code event} to {@code columns} from parameter {@code index} on: its after
     * image, or for a delete the key of its before image and NULL for the other columns.
     *
     * @return the index of the next parameter
     */
    static int bindRow(
            PreparedStatement statement,
            int index,
            List<TargetColumn> columns,
            List<String> primaryKey,
            ChangeEvent event)
            throws SQLException {
        boolean deleted = event.getOp() == Operation.DELETE;
        Map<String, FieldValue> image = deleted ? event.getBefore() : event.getAfter();
        for (TargetColumn column : columns) {
            FieldValue value =
                    deleted && !primaryKey.contains(column.name())
                            ? null
                            : image.get(column.name());
            bind(statement, index++, value);
        }
        return index;
    }

    /** Binds one value; the SQL casts every parameter to its column type. */
    public static void bind(PreparedStatement statement, int index, FieldValue field)
            throws SQLException {
        Object value = field == null ? null : field.getValue();
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
            return;
        }
        switch (field.getKind()) {
            case BOOLEAN -> statement.setBoolean(index, (Boolean) value);
            case INT -> statement.setInt(index, (Integer) value);
            case LONG -> statement.setLong(index, (Long) value);
            case FLOAT -> statement.setFloat(index, (Float) value);
            case DOUBLE -> statement.setDouble(index, (Double) value);
            case DECIMAL -> statement.setBigDecimal(index, new BigDecimal(value.toString()));
            case BYTES -> statement.setBytes(index, bytes((ByteBuffer) value));
            case DATE -> statement.setString(index, date((Integer) value));
            case TIME -> statement.setString(index, time((Long) value));
            case TIMESTAMP -> statement.setString(index, timestamp((Long) value));
            default -> statement.setString(index, value.toString());
        }
    }

    /**
     * A PostgreSQL date literal; PostgreSQL writes years before 1 as BC and years past 9999 bare.
     */
    static String date(int epochDay) {
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        int year = date.getYear();
        if (year < 1) {
            // ISO year 0 is 1 BC.
            return String.format(
                    "%04d-%02d-%02d BC", 1 - year, date.getMonthValue(), date.getDayOfMonth());
        }
        return String.format("%04d-%02d-%02d", year, date.getMonthValue(), date.getDayOfMonth());
    }

    /** A PostgreSQL time literal; {@code 24:00:00}, which PostgreSQL allows, included. */
    static String time(long micros) {
        if (micros >= MICROS_PER_DAY) {
            return "24:00:00";
        }
        return LocalTime.ofNanoOfDay(micros * 1000).toString();
    }

    /** A PostgreSQL timestamp literal, BC dates included. */
    static String timestamp(long micros) {
        long days = Math.floorDiv(micros, MICROS_PER_DAY);
        long ofDay = Math.floorMod(micros, MICROS_PER_DAY);
        String date = date(Math.toIntExact(days));
        String time = time(ofDay);
        return date.endsWith(" BC")
                ? date.substring(0, date.length() - 3) + " " + time + " BC"
                : date + " " + time;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}

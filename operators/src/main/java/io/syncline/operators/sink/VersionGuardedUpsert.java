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
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
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
        boolean deleted = event.getOp() == Operation.DELETE;
        Map<String, FieldValue> image = deleted ? event.getBefore() : event.getAfter();
        List<TargetColumn> columns = table.columns();
        int index = 1;
        for (TargetColumn column : columns) {
            FieldValue value =
                    deleted && !table.primaryKey().contains(column.name())
                            ? null
                            : image.get(column.name());
            bind(statement, index++, value);
        }
        statement.setLong(index++, event.getVersion());
        statement.setBoolean(index, deleted);
    }

    /** Binds one value; the SQL casts every parameter to its column type. */
    static void bind(PreparedStatement statement, int index, FieldValue field) throws SQLException {
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
            case DATE ->
                    statement.setString(index, LocalDate.ofEpochDay((Integer) value).toString());
            case TIME ->
                    statement.setString(
                            index, LocalTime.ofNanoOfDay((Long) value * 1000).toString());
            case TIMESTAMP -> statement.setString(index, timestamp((Long) value));
            default -> statement.setString(index, value.toString());
        }
    }

    private static String timestamp(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        int nanos = (int) Math.floorMod(micros, 1_000_000L) * 1000;
        return LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC).toString();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}

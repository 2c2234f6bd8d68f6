package io.syncline.operators.errors;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;

/**
 * Writes {@link ErrorRecord}s into the {@link ErrorsTable} with its idempotent insert, so an
 * at-least-once JDBC sink stores each error once.
 */
public final class ErrorsTableInsert implements JdbcQueryStatement<ErrorRecord> {

    private static final long serialVersionUID = 1L;

    private final ErrorsTable table;
    private final String sql;

    public ErrorsTableInsert(ErrorsTable table) {
        this.table = table;
        this.sql = table.insertSql();
    }

    @Override
    public String query() {
        return sql;
    }

    @Override
    public void statement(PreparedStatement statement, ErrorRecord error) throws SQLException {
        OffsetDateTime time = OffsetDateTime.ofInstant(error.getTime(), ZoneOffset.UTC);
        int index = 1;
        statement.setString(index++, error.getErrorId());
        statement.setString(index++, error.getStage());
        statement.setString(index++, error.getErrorClass().name());
        statement.setString(index++, error.getCode());
        statement.setInt(index++, table.escalation().levelOf(error));
        statement.setString(index++, error.getMessage());
        statement.setString(index++, error.getPayload());
        statement.setString(index++, error.getField());
        statement.setString(index++, error.getKey());
        statement.setString(index++, error.getTenant());
        statement.setString(index++, error.getEntityType());
        statement.setString(index++, error.getSourceId());
        statement.setString(index++, error.getSourcePosition());
        if (error.getRuleSetVersion() == null) {
            statement.setNull(index++, Types.INTEGER);
        } else {
            statement.setInt(index++, error.getRuleSetVersion());
        }
        statement.setObject(index++, time);
        if (error.getChange() == null) {
            statement.setNull(index++, Types.BINARY);
        } else {
            statement.setBytes(index++, encode(error.getChange()));
        }
        // status_changed_at: open since the error was raised.
        statement.setObject(index, time);
    }

    /** {@code change} in Avro single-object encoding, as the table stores it. */
    public static byte[] encode(ChangeEvent change) {
        try {
            ByteBuffer buffer = ChangeEvent.getEncoder().encode(change);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

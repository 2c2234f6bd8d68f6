package io.syncline.operators.audit;

import io.syncline.schema.AuditRecord;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;

/**
 * Writes {@link AuditRecord}s into the {@link AuditTable} with its insert keyed by audit id, so an
 * at-least-once JDBC sink stores each record once.
 */
public final class AuditTableInsert implements JdbcQueryStatement<AuditRecord> {

    private static final long serialVersionUID = 1L;

    private final String sql;

    public AuditTableInsert(AuditTable table) {
        this.sql = table.insertSql();
    }

    @Override
    public String query() {
        return sql;
    }

    @Override
    public void statement(PreparedStatement statement, AuditRecord record) throws SQLException {
        int index = 1;
        statement.setString(index++, record.getAuditId());
        statement.setString(index++, record.getKind().name());
        statement.setObject(index++, time(record.getTime()));
        statement.setString(index++, record.getTenant());
        statement.setString(index++, record.getEntityType());
        statement.setString(index++, record.getEntityId());
        statement.setString(index++, record.getEventId());
        statement.setString(index++, record.getOp());
        statement.setString(index++, record.getSourceId());
        statement.setString(index++, record.getSourcePosition());
        statement.setString(index++, record.getTransactionId());
        if (record.getSourceCommitTime() == null) {
            statement.setNull(index++, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index++, time(record.getSourceCommitTime()));
        }
        if (record.getVersion() == null) {
            statement.setNull(index++, Types.BIGINT);
        } else {
            statement.setLong(index++, record.getVersion());
        }
        if (record.getRuleSetVersion() == null) {
            statement.setNull(index++, Types.INTEGER);
        } else {
            statement.setInt(index++, record.getRuleSetVersion());
        }
        statement.setString(index++, record.getDecision());
        statement.setArray(
                index++,
                statement
                        .getConnection()
                        .createArrayOf("text", record.getSinks().toArray(new String[0])));
        statement.setString(index++, record.getJobName());
        statement.setString(index++, record.getJobVersion());
        statement.setString(index++, record.getActor());
        statement.setString(index++, record.getCommandId());
        statement.setString(index++, record.getCommandType());
        statement.setString(index, record.getDetail());
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}

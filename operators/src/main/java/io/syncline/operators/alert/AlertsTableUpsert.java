package io.syncline.operators.alert;

import io.syncline.schema.Alert;
import io.syncline.schema.AlertStatus;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;

/**
 * Writes {@link Alert}s into the {@link AlertsTable} with its status-guarded upsert, so an
 * at-least-once JDBC sink stores each alert once and a resolved alert never re-opens.
 */
public final class AlertsTableUpsert implements JdbcQueryStatement<Alert> {

    private static final long serialVersionUID = 1L;

    private final String sql;

    public AlertsTableUpsert(AlertsTable table) {
        this.sql = table.upsertSql();
    }

    @Override
    public String query() {
        return sql;
    }

    @Override
    public void statement(PreparedStatement statement, Alert alert) throws SQLException {
        int index = 1;
        statement.setString(index++, alert.getAlertId());
        statement.setString(index++, alert.getCondition());
        statement.setString(index++, alert.getKind());
        statement.setString(index++, AlertsTable.severityOf(alert.getSeverity()));
        statement.setString(index++, AlertsTable.statusOf(alert.getStatus()));
        statement.setString(index++, alert.getTenant());
        statement.setString(index++, alert.getEntityType());
        statement.setString(index++, alert.getSourceId());
        statement.setString(index++, alert.getMetric());
        statement.setDouble(index++, alert.getValue());
        statement.setDouble(index++, alert.getThreshold());
        statement.setString(index++, alert.getMessage());
        statement.setObject(index++, time(alert.getFiredAt()));
        if (alert.getStatus() == AlertStatus.RESOLVED) {
            statement.setObject(index, time(alert.getTime()));
        } else {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        }
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}

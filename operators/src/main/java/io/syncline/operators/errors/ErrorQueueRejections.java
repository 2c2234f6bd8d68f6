package io.syncline.operators.errors;

import io.syncline.operators.jdbc.JdbcEndpoint;
import io.syncline.operators.jdbc.RejectedRow;
import io.syncline.operators.jdbc.Rejection;
import io.syncline.operators.jdbc.RejectionHandler;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.protect.ErrorSealer;
import io.syncline.operators.quality.ObservationKeys;
import io.syncline.schema.Alert;
import io.syncline.schema.AuditRecord;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.QualityMetrics;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Sends the rows a table refused for good to the error queue: each becomes a {@value
 * ErrorCodes#TARGET_REJECTED} error in the errors table, written in the refusing batch's
 * transaction, so that {@code syncline errors} lists it and, for a change, replays it once the
 * table or the row is fixed. Its id is derived from the row, not the reason, so a batch written
 * again after a restart stores each error once, and a replayed change that is refused again
 * re-opens its error.
 *
 * <p>The error topic does not get these errors: a sink has no output to send them on.
 */
public final class ErrorQueueRejections<T> implements RejectionHandler<T> {

    private static final long serialVersionUID = 1L;

    /** The stage name on errors of rows a sink's table refused. */
    public static final String STAGE = "sink";

    private final ErrorsTable errorsTable;
    // Null when the errors table is in the database of the refusing table.
    private final JdbcEndpoint errorsDatabase;
    private final RowDescription<T> rows;
    // Takes confidential values out of the errors; null writes them as they are.
    private final ErrorSealer sealer;

    private ErrorQueueRejections(
            ErrorsTable errorsTable,
            JdbcEndpoint errorsDatabase,
            RowDescription<T> rows,
            ErrorSealer sealer) {
        this.errorsTable = Objects.requireNonNull(errorsTable, "errorsTable");
        this.errorsDatabase = errorsDatabase;
        this.rows = rows;
        this.sealer = sealer;
    }

    private ErrorQueueRejections(
            ErrorsTable errorsTable, JdbcEndpoint errorsDatabase, RowDescription<T> rows) {
        this(errorsTable, errorsDatabase, rows, null);
    }

    private ErrorQueueRejections(ErrorsTable errorsTable, RowDescription<T> rows) {
        this(errorsTable, null, rows);
    }

    /**
     * These rejections with the confidential and restricted values of their errors masked in the
     * text and sealed in the change, as on the error topic.
     */
    public ErrorQueueRejections<T> sealedBy(ErrorSealer sealer) {
        return new ErrorQueueRejections<>(
                errorsTable, errorsDatabase, rows, Objects.requireNonNull(sealer, "sealer"));
    }

    /** For a target table: the refused change goes with its error, to be replayed. */
    public static ErrorQueueRejections<ChangeEvent> changes(ErrorsTable errorsTable) {
        return new ErrorQueueRejections<>(errorsTable, new Changes());
    }

    /**
     * For a table in another database than the errors table's, such as a write-back source's: the
     * errors are written over a connection of their own to {@code errorsDatabase}, before the batch
     * commits. Without a common transaction a batch written again after a failure stores its errors
     * again, which their ids make harmless.
     */
    public static ErrorQueueRejections<ChangeEvent> changes(
            ErrorsTable errorsTable, JdbcEndpoint errorsDatabase) {
        return new ErrorQueueRejections<>(
                errorsTable,
                Objects.requireNonNull(errorsDatabase, "errorsDatabase"),
                new Changes());
    }

    /** For the conflicts table; the conflict stays on the conflict topic. */
    public static ErrorQueueRejections<ConflictRecord> conflicts(ErrorsTable errorsTable) {
        return new ErrorQueueRejections<>(errorsTable, new Conflicts());
    }

    /** For the quality metrics table; the window's metrics stay on the quality topic. */
    public static ErrorQueueRejections<QualityMetrics> qualityMetrics(ErrorsTable errorsTable) {
        return new ErrorQueueRejections<>(errorsTable, new Metrics());
    }

    /** For the alerts table; the alert stays on the alerts topic. */
    public static ErrorQueueRejections<Alert> alerts(ErrorsTable errorsTable) {
        return new ErrorQueueRejections<>(errorsTable, new Alerts());
    }

    /** For the audit table; the record stays on the audit topic. */
    public static ErrorQueueRejections<AuditRecord> audit(ErrorsTable errorsTable) {
        return new ErrorQueueRejections<>(errorsTable, new Audits());
    }

    @Override
    public void handle(Connection connection, List<RejectedRow<T>> rejected, Instant time)
            throws SQLException {
        if (errorsDatabase == null) {
            insert(connection, rejected, time);
            return;
        }
        try (Connection errors = errorsDatabase.connect()) {
            insert(errors, rejected, time);
        }
    }

    private void insert(Connection connection, List<RejectedRow<T>> rejected, Instant time)
            throws SQLException {
        ErrorsTableInsert insert = errorsTable.insertStatement();
        try (PreparedStatement statement = connection.prepareStatement(insert.query())) {
            for (RejectedRow<T> row : rejected) {
                ErrorRecord error = errorOf(row, time);
                insert.statement(statement, sealer == null ? error : sealer.seal(error));
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /** The error of a refused row. */
    public ErrorRecord errorOf(RejectedRow<T> rejected, Instant time) {
        T row = rejected.row();
        Rejection rejection = rejected.rejection();
        String message =
                rows.name(row)
                        + " was refused by "
                        + rejection.table()
                        + ": "
                        + rejection.describe()
                        + "; "
                        + rejection.fix()
                        + "; "
                        + rows.afterFix();
        ErrorRecord.Builder builder =
                ErrorRecords.permanent(
                                rows.envelope(row), STAGE, ErrorCodes.TARGET_REJECTED, message)
                        .setField(rejection.column());
        return ErrorRecords.build(
                builder, "{table=" + rejection.table() + ", " + rows.identity(row) + "}", time);
    }

    /** What an error says about a refused row of one type. */
    private interface RowDescription<T> extends Serializable {

        /** The error's envelope: entity, source, position, and the change to replay. */
        ErrorRecord.Builder envelope(T row);

        /** The row as the message names it. */
        String name(T row);

        /** What identifies the row, without its values: the payload the error id comes from. */
        String identity(T row);

        /** What to do once the table or the row is fixed. */
        String afterFix();
    }

    private static final class Changes implements RowDescription<ChangeEvent> {

        private static final long serialVersionUID = 1L;

        @Override
        public ErrorRecord.Builder envelope(ChangeEvent change) {
            return ErrorRecord.newBuilder()
                    .setKey(EntityKeys.of(change))
                    .setTenant(change.getTenant())
                    .setEntityType(change.getEntityType())
                    .setSourceId(change.getSourceId())
                    .setSourcePosition(change.getSourcePosition())
                    .setChange(change);
        }

        @Override
        public String name(ChangeEvent change) {
            return change.getOp()
                    + " of "
                    + change.getEntityType()
                    + " "
                    + EntityKeys.of(change)
                    + " (version "
                    + change.getVersion()
                    + ")";
        }

        @Override
        public String identity(ChangeEvent change) {
            return "eventId=" + change.getEventId() + ", version=" + change.getVersion();
        }

        @Override
        public String afterFix() {
            return "then replay it with 'syncline errors replay'";
        }
    }

    private static final class Conflicts implements RowDescription<ConflictRecord> {

        private static final long serialVersionUID = 1L;

        @Override
        public ErrorRecord.Builder envelope(ConflictRecord conflict) {
            return ErrorRecord.newBuilder()
                    .setKey(
                            EntityKeys.of(
                                    conflict.getTenant(),
                                    conflict.getEntityType(),
                                    conflict.getEntityId()))
                    .setTenant(conflict.getTenant())
                    .setEntityType(conflict.getEntityType());
        }

        @Override
        public String name(ConflictRecord conflict) {
            return "conflict " + conflict.getConflictId() + " (" + conflict.getStatus() + ")";
        }

        @Override
        public String identity(ConflictRecord conflict) {
            return "conflictId=" + conflict.getConflictId() + ", status=" + conflict.getStatus();
        }

        @Override
        public String afterFix() {
            return "the conflict is on the conflict topic";
        }
    }

    private static final class Metrics implements RowDescription<QualityMetrics> {

        private static final long serialVersionUID = 1L;

        @Override
        public ErrorRecord.Builder envelope(QualityMetrics metrics) {
            return ErrorRecord.newBuilder()
                    .setKey(ObservationKeys.of(metrics.getTenant(), metrics.getEntityType()))
                    .setTenant(metrics.getTenant())
                    .setEntityType(metrics.getEntityType());
        }

        @Override
        public String name(QualityMetrics metrics) {
            return "the quality metrics of "
                    + ObservationKeys.of(metrics.getTenant(), metrics.getEntityType())
                    + " in the "
                    + metrics.getWindowKind()
                    + " window from "
                    + metrics.getWindowStart();
        }

        @Override
        public String identity(QualityMetrics metrics) {
            return "window="
                    + metrics.getWindowKind()
                    + "/"
                    + metrics.getWindowStart()
                    + "/"
                    + metrics.getWindowEnd();
        }

        @Override
        public String afterFix() {
            return "the metrics are on the quality topic";
        }
    }

    private static final class Alerts implements RowDescription<Alert> {

        private static final long serialVersionUID = 1L;

        @Override
        public ErrorRecord.Builder envelope(Alert alert) {
            return ErrorRecord.newBuilder()
                    .setKey(alert.getCondition())
                    .setTenant(alert.getTenant())
                    .setEntityType(alert.getEntityType())
                    .setSourceId(alert.getSourceId());
        }

        @Override
        public String name(Alert alert) {
            return alert.getStatus() + " alert " + alert.getAlertId();
        }

        @Override
        public String identity(Alert alert) {
            return "alertId=" + alert.getAlertId() + ", status=" + alert.getStatus();
        }

        @Override
        public String afterFix() {
            return "the alert is on the alerts topic";
        }
    }

    private static final class Audits implements RowDescription<AuditRecord> {

        private static final long serialVersionUID = 1L;

        @Override
        public ErrorRecord.Builder envelope(AuditRecord record) {
            ErrorRecord.Builder builder =
                    ErrorRecord.newBuilder()
                            .setTenant(record.getTenant())
                            .setEntityType(record.getEntityType())
                            .setSourceId(record.getSourceId())
                            .setSourcePosition(record.getSourcePosition());
            if (record.getEntityId() != null) {
                builder.setKey(
                        EntityKeys.of(
                                record.getTenant(), record.getEntityType(), record.getEntityId()));
            }
            return builder;
        }

        @Override
        public String name(AuditRecord record) {
            return record.getKind() + " audit record " + record.getAuditId();
        }

        @Override
        public String identity(AuditRecord record) {
            return "auditId=" + record.getAuditId();
        }

        @Override
        public String afterFix() {
            return "the record is on the audit topic";
        }
    }
}

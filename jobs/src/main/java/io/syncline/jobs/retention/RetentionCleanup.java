package io.syncline.jobs.retention;

import io.syncline.jobs.config.RetentionSettings;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.alert.AlertsTable;
import io.syncline.operators.audit.AuditTable;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.quality.QualityMetricsTable;
import io.syncline.operators.resolve.ConflictsTable;
import io.syncline.operators.sink.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Deletes the rows of Syncline's own tables that are older than the retention of their class
 * ({@code security.retention}), in batches of their own transactions so a large first run neither
 * holds long locks nor bloats one transaction. What still needs a person is never deleted, however
 * old: open errors (an unhandled error must not be lost), parked conflicts and firing alerts.
 */
public final class RetentionCleanup {

    /**
     * One table and what of it may go.
     *
     * @param retentionClass the key under {@code security.retention}
     * @param retention how long its rows are kept
     * @param schema the table's schema
     * @param table the table's name
     * @param age the SQL expression of a row's age: when it was last touched
     * @param deletable the SQL condition a row must meet to be deleted at all, {@code TRUE} for all
     * @param kept what the rows old enough but not deletable are, for the report
     */
    public record Target(
            String retentionClass,
            Duration retention,
            String schema,
            String table,
            String age,
            String deletable,
            String kept) {

        public String qualifiedName() {
            return SqlIdentifiers.qualified(schema, table);
        }
    }

    /**
     * What a cleanup did (or, in a dry run, would do) to one table.
     *
     * @param cutoff rows last touched before it are old enough to go
     * @param exists whether the table exists (a job without observability has no alerts table)
     * @param deleted rows deleted, or that a dry run would delete
     * @param kept rows old enough that stay because they still need a person
     */
    public record Result(Target target, Instant cutoff, boolean exists, long deleted, long kept) {}

    private final List<Target> targets;
    private final int batchSize;
    private final Clock clock;

    /**
     * @param batchSize rows deleted per transaction
     */
    public RetentionCleanup(List<Target> targets, int batchSize, Clock clock) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1");
        }
        this.targets = List.copyOf(targets);
        this.batchSize = batchSize;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The tables of {@code config}'s job, each with the retention of its class. */
    public static List<Target> targetsOf(SynclineConfig config) {
        RetentionSettings retention = config.security().retention();
        ErrorsTable errors = SyncJobFactory.errorsTableOf(config);
        ConflictsTable conflicts = SyncJobFactory.conflictsTableOf(config);
        QualityMetricsTable quality = SyncJobFactory.qualityMetricsTableOf(config);
        AlertsTable alerts = SyncJobFactory.alertsTableOf(config);
        AuditTable audit = SyncJobFactory.auditTableOf(config);
        List<Target> targets = new ArrayList<>();
        targets.add(
                new Target(
                        "errors",
                        retention.errors(),
                        errors.schema(),
                        errors.table(),
                        "COALESCE("
                                + ErrorsTable.STATUS_CHANGED_AT
                                + ", "
                                + ErrorsTable.ERROR_TIME
                                + ")",
                        ErrorsTable.STATUS + " <> '" + ErrorsTable.OPEN + "'",
                        "open"));
        targets.add(
                new Target(
                        "conflicts",
                        retention.conflicts(),
                        conflicts.schema(),
                        conflicts.table(),
                        "COALESCE("
                                + ConflictsTable.DECIDED_AT
                                + ", "
                                + ConflictsTable.DETECTED_AT
                                + ")",
                        ConflictsTable.STATUS + " = '" + ConflictsTable.RESOLVED + "'",
                        "parked"));
        targets.add(
                new Target(
                        "quality",
                        retention.quality(),
                        quality.schema(),
                        quality.table(),
                        QualityMetricsTable.WINDOW_END,
                        "TRUE",
                        null));
        targets.add(
                new Target(
                        "alerts",
                        retention.alerts(),
                        alerts.schema(),
                        alerts.table(),
                        "COALESCE(" + AlertsTable.RESOLVED_AT + ", " + AlertsTable.FIRED_AT + ")",
                        AlertsTable.STATUS + " = '" + AlertsTable.RESOLVED + "'",
                        "firing"));
        targets.add(
                new Target(
                        "audit",
                        retention.audit(),
                        audit.schema(),
                        audit.table(),
                        AuditTable.AUDIT_TIME,
                        "TRUE",
                        null));
        return targets;
    }

    /**
     * Deletes what is older than its retention from every table, or with {@code dryRun} only counts
     * it.
     */
    public List<Result> run(Connection connection, boolean dryRun) throws SQLException {
        Instant now = clock.instant();
        List<Result> results = new ArrayList<>();
        for (Target target : targets) {
            Instant cutoff = now.minus(target.retention());
            if (!exists(connection, target)) {
                results.add(new Result(target, cutoff, false, 0, 0));
                continue;
            }
            long deleted =
                    dryRun ? count(connection, target, cutoff) : delete(connection, target, cutoff);
            long kept = target.kept() == null ? 0 : countKept(connection, target, cutoff);
            results.add(new Result(target, cutoff, true, deleted, kept));
        }
        return results;
    }

    private long delete(Connection connection, Target target, Instant cutoff) throws SQLException {
        // ctid picks the batch's rows without assuming a key; each batch commits on its own.
        String sql =
                "DELETE FROM "
                        + target.qualifiedName()
                        + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM "
                        + target.qualifiedName()
                        + old(target)
                        + " LIMIT ?))";
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            long deleted = 0;
            int batch;
            do {
                statement.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
                statement.setInt(2, batchSize);
                batch = statement.executeUpdate();
                deleted += batch;
            } while (batch == batchSize);
            return deleted;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static long count(Connection connection, Target target, Instant cutoff)
            throws SQLException {
        return count(
                connection, "SELECT count(*) FROM " + target.qualifiedName() + old(target), cutoff);
    }

    private static long countKept(Connection connection, Target target, Instant cutoff)
            throws SQLException {
        return count(
                connection,
                "SELECT count(*) FROM "
                        + target.qualifiedName()
                        + " WHERE "
                        + target.age()
                        + " < ? AND NOT ("
                        + target.deletable()
                        + ")",
                cutoff);
    }

    /** The rows of {@code target} that are old enough and may go; binds the cutoff first. */
    private static String old(Target target) {
        return " WHERE " + target.age() + " < ? AND " + target.deletable();
    }

    private static long count(Connection connection, String sql, Instant cutoff)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static boolean exists(Connection connection, Target target) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement(
                        "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = ? AND tablename = ?")) {
            statement.setString(1, target.schema());
            statement.setString(2, target.table());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }
}

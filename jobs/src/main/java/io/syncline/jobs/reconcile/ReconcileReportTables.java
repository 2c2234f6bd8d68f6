package io.syncline.jobs.reconcile;

import io.syncline.operators.quality.LatencyTargets;
import io.syncline.operators.quality.QualityMetricsTable;
import io.syncline.operators.quality.QualityMetricsUpsert;
import io.syncline.operators.sink.SqlIdentifiers;
import io.syncline.schema.QualityMetrics;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a {@link ReconcileRun} into the target database: one row per tenant and entity type in
 * {@value #RUNS}, one per difference in {@value #DIFFERENCES}, and the consistency it measured as a
 * {@value #WINDOW_KIND} window of the quality metrics table, which {@code syncline report} reads.
 */
public final class ReconcileReportTables {

    public static final String RUNS = "syncline_reconciliations";
    public static final String DIFFERENCES = "syncline_reconciliation_differences";

    /** The quality metrics' window kind of a reconciliation, spanning the run. */
    public static final String WINDOW_KIND = "reconcile";

    private final String schema;
    private final QualityMetricsTable qualityTable;
    private final LatencyTargets latencyTargets;

    public ReconcileReportTables(
            String schema, QualityMetricsTable qualityTable, LatencyTargets latencyTargets) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.qualityTable = Objects.requireNonNull(qualityTable, "qualityTable");
        this.latencyTargets = Objects.requireNonNull(latencyTargets, "latencyTargets");
    }

    public String runsTable() {
        return SqlIdentifiers.qualified(schema, RUNS);
    }

    public String differencesTable() {
        return SqlIdentifiers.qualified(schema, DIFFERENCES);
    }

    /** DDL that creates the schema and both tables when they are missing. */
    public List<String> createSql() {
        return List.of(
                "CREATE SCHEMA IF NOT EXISTS " + SqlIdentifiers.quote(schema),
                "CREATE TABLE IF NOT EXISTS "
                        + runsTable()
                        + " (run_id text NOT NULL, tenant text NOT NULL, entity_type text NOT"
                        + " NULL, started_at timestamptz NOT NULL, finished_at timestamptz NOT"
                        + " NULL, source_rows bigint NOT NULL, target_rows bigint NOT NULL,"
                        + " missing bigint NOT NULL, extra bigint NOT NULL, differing bigint NOT"
                        + " NULL, consistency double precision, PRIMARY KEY (run_id, tenant,"
                        + " entity_type))",
                "CREATE TABLE IF NOT EXISTS "
                        + differencesTable()
                        + " (run_id text NOT NULL, tenant text NOT NULL, entity_type text NOT"
                        + " NULL, entity_id text NOT NULL, kind text NOT NULL, columns text[] NOT"
                        + " NULL, PRIMARY KEY (run_id, tenant, entity_type, entity_id))");
    }

    /** Writes {@code run} in one transaction, creating the tables first when they are missing. */
    public void write(Connection connection, ReconcileRun run) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        try (Statement ddl = connection.createStatement()) {
            for (String sql : createSql()) {
                ddl.execute(sql);
            }
            for (String sql : qualityTable.createSql()) {
                ddl.execute(sql);
            }
        }
        connection.setAutoCommit(false);
        try {
            writeRuns(connection, run);
            writeDifferences(connection, run);
            writeQuality(connection, run);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private void writeRuns(Connection connection, ReconcileRun run) throws SQLException {
        try (PreparedStatement insert =
                connection.prepareStatement(
                        "INSERT INTO "
                                + runsTable()
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (UnitResult unit : run.units()) {
                insert.setString(1, run.runId());
                insert.setString(2, unit.tenant());
                insert.setString(3, unit.entityType());
                insert.setObject(4, OffsetDateTime.ofInstant(run.startedAt(), ZoneOffset.UTC));
                insert.setObject(5, OffsetDateTime.ofInstant(run.finishedAt(), ZoneOffset.UTC));
                insert.setLong(6, unit.sourceRows());
                insert.setLong(7, unit.targetRows());
                insert.setLong(8, unit.missing());
                insert.setLong(9, unit.extra());
                insert.setLong(10, unit.differing());
                if (unit.consistency() == null) {
                    insert.setNull(11, Types.DOUBLE);
                } else {
                    insert.setDouble(11, unit.consistency());
                }
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private void writeDifferences(Connection connection, ReconcileRun run) throws SQLException {
        try (PreparedStatement insert =
                connection.prepareStatement(
                        "INSERT INTO " + differencesTable() + " VALUES (?, ?, ?, ?, ?, ?)")) {
            int batched = 0;
            for (UnitResult unit : run.units()) {
                for (Difference difference : unit.differences()) {
                    insert.setString(1, run.runId());
                    insert.setString(2, unit.tenant());
                    insert.setString(3, unit.entityType());
                    insert.setString(4, difference.entityId());
                    insert.setString(5, difference.kind().label());
                    Array columns =
                            connection.createArrayOf(
                                    "text", difference.columns().toArray(String[]::new));
                    insert.setArray(6, columns);
                    insert.addBatch();
                    if (++batched % 1000 == 0) {
                        insert.executeBatch();
                    }
                }
            }
            insert.executeBatch();
        }
    }

    private void writeQuality(Connection connection, ReconcileRun run) throws SQLException {
        QualityMetricsUpsert upsert = qualityTable.upsertStatement();
        try (PreparedStatement statement = connection.prepareStatement(upsert.query())) {
            for (UnitResult unit : run.units()) {
                upsert.statement(statement, qualityMetrics(run, unit));
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /**
     * The quality metrics row of {@code unit}: a window spanning the run whose consistency is the
     * share of equal rows, weighted (as read-back samples are) by the rows compared. It counts no
     * changes, so its other shares are null and the report does not judge them.
     */
    QualityMetrics qualityMetrics(ReconcileRun run, UnitResult unit) {
        LatencyTargets.Target target = latencyTargets.of(unit.entityType());
        return QualityMetrics.newBuilder()
                .setTenant(unit.tenant())
                .setEntityType(unit.entityType())
                .setWindowKind(WINDOW_KIND)
                .setWindowStart(run.startedAt())
                .setWindowEnd(run.finishedAt())
                .setSyncClass(target.syncClass().configName())
                .setLatencyTargetMillis(target.latency().toMillis())
                .setReadBackSampled(unit.comparedRows())
                .setConsistency(unit.consistency())
                .setErrorCodes(Map.of())
                .build();
    }
}

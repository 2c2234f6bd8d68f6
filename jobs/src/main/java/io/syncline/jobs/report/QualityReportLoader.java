package io.syncline.jobs.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.operators.alert.AlertsTable;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.quality.QualityMetricsTable;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads one day of the quality metrics, errors and alerts tables into a {@link QualityReport}.
 * Every value is a bound parameter, and everything is ordered in Java rather than by the database's
 * collation, so the same rows always give the same report.
 */
public final class QualityReportLoader {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<TreeMap<String, Long>> ERROR_CODES =
            new TypeReference<>() {};

    private final Connection connection;
    private final QualityMetricsTable metricsTable;
    private final ErrorsTable errorsTable;
    private final AlertsTable alertsTable;

    /** Reads the three tables through {@code connection}, which stays the caller's to close. */
    public QualityReportLoader(
            Connection connection,
            QualityMetricsTable metricsTable,
            ErrorsTable errorsTable,
            AlertsTable alertsTable) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.metricsTable = Objects.requireNonNull(metricsTable, "metricsTable");
        this.errorsTable = Objects.requireNonNull(errorsTable, "errorsTable");
        this.alertsTable = Objects.requireNonNull(alertsTable, "alertsTable");
    }

    /** Whether {@code schema.table} exists (unquoted names, as {@code pg_tables} lists them). */
    public boolean tableExists(String schema, String table) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement(
                        "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = ?"
                                + " AND tablename = ?")) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * The report of {@code date}.
     *
     * @param tenant the only tenant to report on; null for all. Alerts of no tenant (a source's lag
     *     concerns every tenant) are kept either way.
     * @param generatedAt the time the report is stamped with
     */
    public QualityReport load(
            LocalDate date, String tenant, ReportThresholds thresholds, Instant generatedAt)
            throws SQLException {
        Instant from = date.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant until = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        return new QualityReport(
                date,
                tenant,
                generatedAt,
                thresholds,
                entities(from, until, tenant, thresholds),
                topErrorCodes(from, until, tenant),
                alerts(from, until, tenant));
    }

    private List<EntityReport> entities(
            Instant from, Instant until, String tenant, ReportThresholds thresholds)
            throws SQLException {
        String sql =
                "SELECT "
                        + String.join(", ", QualityMetricsTable.COLUMNS)
                        + " FROM "
                        + metricsTable.qualifiedName()
                        + " WHERE "
                        + QualityMetricsTable.WINDOW_START
                        + " >= ? AND "
                        + QualityMetricsTable.WINDOW_START
                        + " < ?"
                        + (tenant == null ? "" : " AND " + QualityMetricsTable.TENANT + " = ?");
        // Grouped by tenant and entity type in name order (TreeMap), windows in time order.
        Map<List<String>, List<QualityWindow>> groups =
                new TreeMap<>(
                        Comparator.<List<String>, String>comparing(key -> key.get(0))
                                .thenComparing(key -> key.get(1)));
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bindDay(statement, from, until, tenant);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    List<String> key =
                            List.of(
                                    row.getString(QualityMetricsTable.TENANT),
                                    row.getString(QualityMetricsTable.ENTITY_TYPE));
                    groups.computeIfAbsent(key, k -> new ArrayList<>()).add(window(row));
                }
            }
        }
        List<EntityReport> entities = new ArrayList<>();
        groups.forEach(
                (key, windows) -> {
                    windows.sort(
                            Comparator.comparing(QualityWindow::windowStart)
                                    .thenComparing(QualityWindow::windowEnd)
                                    .thenComparing(QualityWindow::windowKind));
                    entities.add(
                            new EntityReport(
                                    key.get(0),
                                    key.get(1),
                                    EntitySummary.of(windows, thresholds),
                                    windows));
                });
        return entities;
    }

    private static QualityWindow window(ResultSet row) throws SQLException {
        return new QualityWindow(
                row.getString(QualityMetricsTable.WINDOW_KIND),
                instant(row, QualityMetricsTable.WINDOW_START),
                instant(row, QualityMetricsTable.WINDOW_END),
                row.getString(QualityMetricsTable.SYNC_CLASS),
                row.getLong(QualityMetricsTable.LATENCY_TARGET_MS),
                row.getLong(QualityMetricsTable.VALIDATED),
                row.getLong(QualityMetricsTable.REJECTED),
                row.getLong(QualityMetricsTable.CORRECTED),
                row.getLong(QualityMetricsTable.FAILED),
                row.getLong(QualityMetricsTable.DUPLICATES),
                row.getLong(QualityMetricsTable.CONFLICTS),
                row.getLong(QualityMetricsTable.DELIVERED),
                row.getLong(QualityMetricsTable.READ_BACK_SAMPLED),
                nullableDouble(row, QualityMetricsTable.COMPLETENESS),
                nullableDouble(row, QualityMetricsTable.ACCURACY),
                nullableDouble(row, QualityMetricsTable.CONSISTENCY),
                nullableDouble(row, QualityMetricsTable.TIMELINESS),
                nullableDouble(row, QualityMetricsTable.ERROR_RATE),
                nullableLong(row, QualityMetricsTable.LAG_P50_MS),
                nullableLong(row, QualityMetricsTable.LAG_P95_MS),
                nullableLong(row, QualityMetricsTable.LAG_P99_MS),
                nullableLong(row, QualityMetricsTable.LAG_MAX_MS),
                errorCodes(row.getString(QualityMetricsTable.ERROR_CODES)));
    }

    private List<ErrorCodeCount> topErrorCodes(Instant from, Instant until, String tenant)
            throws SQLException {
        String sql =
                "SELECT "
                        + ErrorsTable.CODE
                        + ", count(*), array_agg(DISTINCT "
                        + ErrorsTable.TENANT
                        + ") FILTER (WHERE "
                        + ErrorsTable.TENANT
                        + " IS NOT NULL) FROM "
                        + errorsTable.qualifiedName()
                        + " WHERE "
                        + ErrorsTable.ERROR_TIME
                        + " >= ? AND "
                        + ErrorsTable.ERROR_TIME
                        + " < ?"
                        + (tenant == null ? "" : " AND " + ErrorsTable.TENANT + " = ?")
                        + " GROUP BY "
                        + ErrorsTable.CODE;
        List<ErrorCodeCount> counts = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bindDay(statement, from, until, tenant);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    counts.add(new ErrorCodeCount(row.getString(1), row.getLong(2), tenants(row)));
                }
            }
        }
        // Ties are broken by code, so that the tenth place does not depend on the database.
        counts.sort(
                Comparator.comparingLong(ErrorCodeCount::count)
                        .reversed()
                        .thenComparing(ErrorCodeCount::code));
        return counts.subList(0, Math.min(QualityReport.TOP_ERROR_CODES, counts.size()));
    }

    private static List<String> tenants(ResultSet row) throws SQLException {
        Array array = row.getArray(3);
        if (array == null) {
            return List.of();
        }
        try {
            TreeSet<String> tenants = new TreeSet<>();
            for (Object tenant : (Object[]) array.getArray()) {
                tenants.add((String) tenant);
            }
            return List.copyOf(tenants);
        } finally {
            array.free();
        }
    }

    private List<ReportAlert> alerts(Instant from, Instant until, String tenant)
            throws SQLException {
        String sql =
                "SELECT "
                        + String.join(", ", AlertsTable.ALL_COLUMNS)
                        + " FROM "
                        + alertsTable.qualifiedName()
                        + " WHERE "
                        + AlertsTable.FIRED_AT
                        + " >= ? AND "
                        + AlertsTable.FIRED_AT
                        + " < ?"
                        + (tenant == null
                                ? ""
                                : " AND ("
                                        + AlertsTable.TENANT
                                        + " = ? OR "
                                        + AlertsTable.TENANT
                                        + " IS NULL)");
        List<ReportAlert> alerts = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bindDay(statement, from, until, tenant);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    alerts.add(alert(row));
                }
            }
        }
        alerts.sort(
                Comparator.comparing(ReportAlert::firedAt)
                        .reversed()
                        .thenComparing(ReportAlert::alertId));
        return alerts;
    }

    private static ReportAlert alert(ResultSet row) throws SQLException {
        return new ReportAlert(
                row.getString(AlertsTable.ALERT_ID),
                row.getString(AlertsTable.CONDITION),
                row.getString(AlertsTable.KIND),
                row.getString(AlertsTable.SEVERITY),
                row.getString(AlertsTable.STATUS),
                row.getString(AlertsTable.TENANT),
                row.getString(AlertsTable.ENTITY_TYPE),
                row.getString(AlertsTable.SOURCE_ID),
                row.getString(AlertsTable.METRIC),
                row.getDouble(AlertsTable.VALUE),
                row.getDouble(AlertsTable.THRESHOLD),
                row.getString(AlertsTable.MESSAGE),
                instant(row, AlertsTable.FIRED_AT),
                instant(row, AlertsTable.RESOLVED_AT));
    }

    private static void bindDay(
            PreparedStatement statement, Instant from, Instant until, String tenant)
            throws SQLException {
        statement.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
        statement.setObject(2, OffsetDateTime.ofInstant(until, ZoneOffset.UTC));
        if (tenant != null) {
            statement.setString(3, tenant);
        }
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private static Double nullableDouble(ResultSet row, String column) throws SQLException {
        double value = row.getDouble(column);
        return row.wasNull() ? null : value;
    }

    private static Long nullableLong(ResultSet row, String column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }

    private static SortedMap<String, Long> errorCodes(String json) throws SQLException {
        if (json == null) {
            return new TreeMap<>();
        }
        try {
            return MAPPER.readValue(json, ERROR_CODES);
        } catch (JsonProcessingException e) {
            throw new SQLException(
                    "the error_codes column holds " + json + ", not an object of code to count", e);
        }
    }
}

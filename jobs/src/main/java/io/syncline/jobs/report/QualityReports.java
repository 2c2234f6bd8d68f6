package io.syncline.jobs.report;

import io.syncline.jobs.config.TargetSettings;
import io.syncline.operators.alert.AlertsTable;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.errors.Escalation;
import io.syncline.operators.jdbc.PostgresConnections;
import io.syncline.operators.quality.QualityMetricsTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Makes the daily quality report from the target database and writes it as {@code
 * syncline-quality-report-<date>.html} and {@code .json}: the entry point of {@code syncline
 * report} and of the demo.
 */
public final class QualityReports {

    private QualityReports() {}

    /** The two files a report was written to. */
    public record ReportFiles(Path html, Path json) {}

    /**
     * Reads the report of {@code date} for every tenant from {@code target} and writes it into
     * {@code outDir}, created if missing.
     *
     * @throws ReportException if the database cannot be reached or a table is missing
     * @throws IOException if a file cannot be written
     */
    public static ReportFiles write(
            TargetSettings target, LocalDate date, ReportThresholds thresholds, Path outDir)
            throws IOException {
        return write(load(target, date, null, thresholds, Clock.systemUTC()), outDir);
    }

    /**
     * Reads the report of {@code date} from {@code target}.
     *
     * @param tenant the only tenant to report on; null for all
     * @param clock stamps the report's generation time
     * @throws ReportException if the database cannot be reached, a table is missing or a query
     *     fails; the message says what to check
     */
    public static QualityReport load(
            TargetSettings target,
            LocalDate date,
            String tenant,
            ReportThresholds thresholds,
            Clock clock) {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(thresholds, "thresholds");
        QualityMetricsTable metrics =
                new QualityMetricsTable(target.schema(), target.qualityMetricsTable());
        ErrorsTable errors =
                new ErrorsTable(target.schema(), target.errorsTable(), Escalation.defaults());
        AlertsTable alerts = new AlertsTable(target.schema(), target.alertsTable());
        Connection connection;
        try {
            connection =
                    PostgresConnections.open(target.url(), target.username(), target.password());
        } catch (SQLException e) {
            throw new ReportException(
                    "cannot connect to PostgreSQL at "
                            + target.url()
                            + " as user '"
                            + target.username()
                            + "': "
                            + e.getMessage()
                            + "; is PostgreSQL running and reachable from here? check"
                            + " sinks.target.url, username and password",
                    e);
        }
        try (connection) {
            QualityReportLoader loader =
                    new QualityReportLoader(connection, metrics, errors, alerts);
            checkTablesExist(loader, target);
            return loader.load(date, tenant, thresholds, clock.instant());
        } catch (SQLException e) {
            throw new ReportException(
                    "reading the quality report of "
                            + date
                            + " from schema "
                            + target.schema()
                            + " at "
                            + target.url()
                            + " failed: "
                            + e.getMessage()
                            + "; nothing was written, run the command again once the database"
                            + " is back",
                    e);
        }
    }

    /**
     * Writes {@code report} into {@code outDir}, created if missing, replacing the files of an
     * earlier run of the same day.
     */
    public static ReportFiles write(QualityReport report, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        String name = "syncline-quality-report-" + report.date();
        Path html = outDir.resolve(name + ".html");
        Path json = outDir.resolve(name + ".json");
        Files.writeString(html, HtmlReport.render(report), StandardCharsets.UTF_8);
        Files.writeString(json, JsonReport.render(report), StandardCharsets.UTF_8);
        return new ReportFiles(html, json);
    }

    /** Fails naming every missing table and the setting that names it. */
    private static void checkTablesExist(QualityReportLoader loader, TargetSettings target)
            throws SQLException {
        List<String> missing = new ArrayList<>();
        if (!loader.tableExists(target.schema(), target.qualityMetricsTable())) {
            missing.add(
                    missing(
                            target,
                            target.qualityMetricsTable(),
                            "run the job once with observability enabled",
                            "qualityMetricsTable"));
        }
        if (!loader.tableExists(target.schema(), target.errorsTable())) {
            missing.add(missing(target, target.errorsTable(), "run the job once", "errorsTable"));
        }
        if (!loader.tableExists(target.schema(), target.alertsTable())) {
            missing.add(
                    missing(
                            target,
                            target.alertsTable(),
                            "run the job once with observability enabled",
                            "alertsTable"));
        }
        if (!missing.isEmpty()) {
            throw new ReportException(String.join("\n", missing));
        }
    }

    private static String missing(
            TargetSettings target, String table, String creator, String setting) {
        return "no "
                + table
                + " table in schema "
                + target.schema()
                + " at "
                + target.url()
                + ": "
                + creator
                + ", or check sinks.target.schema and sinks.target."
                + setting;
    }
}

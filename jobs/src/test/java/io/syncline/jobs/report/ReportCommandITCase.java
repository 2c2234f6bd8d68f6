package io.syncline.jobs.report;

import static io.syncline.jobs.report.ReportHtmlTest.embeddedData;
import static io.syncline.jobs.report.ReportHtmlTest.occurrences;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.cli.SynclineCli;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.jobs.report.QualityReports.ReportFiles;
import io.syncline.operators.alert.AlertsTable;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.errors.Escalation;
import io.syncline.operators.quality.QualityMetricsTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code syncline report} against real PostgreSQL quality metrics, errors and alerts tables: what
 * the JSON and HTML files of a day hold, and what the command says when there is nothing to report
 * or nothing to read.
 */
class ReportCommandITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String DATABASE = "report_cli";
    private static final String SCHEMA = "ops";
    private static final QualityMetricsTable METRICS =
            new QualityMetricsTable(SCHEMA, "quality_metrics");
    private static final ErrorsTable ERRORS =
            new ErrorsTable(SCHEMA, "syncline_errors", Escalation.defaults());
    private static final AlertsTable ALERTS = new AlertsTable(SCHEMA, "syncline_alerts");

    private static final String DAY = "2026-11-25";
    private static final String ACME = "acme";

    /** A tenant name that is HTML: the page must show it, not interpret it. */
    private static final String GLOBEX = "globex <R&D>";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir Path directory;

    private Path config;
    private Path out;
    private final StringWriter stdout = new StringWriter();
    private final StringWriter stderr = new StringWriter();

    @BeforeAll
    static void createDatabase() {
        POSTGRES.createDatabase(DATABASE);
    }

    @BeforeEach
    void freshTables() throws Exception {
        config = writeConfig(POSTGRES.port());
        out = directory.resolve("reports");
        POSTGRES.execute(DATABASE, "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        POSTGRES.execute(DATABASE, METRICS.createSql().toArray(String[]::new));
        POSTGRES.execute(DATABASE, ERRORS.createSql().toArray(String[]::new));
        POSTGRES.execute(DATABASE, ALERTS.createSql().toArray(String[]::new));
        insertMetrics();
        insertErrors();
        insertAlerts();
    }

    // ---- the day's data

    /**
     * acme/customer passes; acme/order's only window starts in the day's last minute; globex's
     * customer falls below the completeness, accuracy and timeliness thresholds. Every share is a
     * binary fraction, so the weighted averages are exact.
     */
    private static void insertMetrics() throws SQLException {
        // Inserted out of time order: the report orders them.
        metrics(
                ACME,
                "customer",
                "2026-11-25T10:01:00Z",
                "real-time",
                1000,
                counts(128, 0, 0, 0, 0, 1, 128, 0),
                shares(1.0, 1.0, null, 0.96875, 0.0),
                lags(150L, 700L, 1200L, 1500L),
                "{}");
        metrics(
                ACME,
                "customer",
                "2026-11-25T10:00:00Z",
                "real-time",
                1000,
                counts(128, 1, 2, 0, 1, 0, 127, 16),
                shares(1.0, 0.9921875, 1.0, 1.0, 0.0078125),
                lags(100L, 200L, 300L, 400L),
                "{\"EMAIL_INVALID\": 1}");
        metrics(
                ACME,
                "order",
                "2026-11-25T23:59:00Z",
                "batch",
                60000,
                counts(64, 0, 0, 0, 0, 0, 64, 0),
                shares(1.0, 1.0, null, 1.0, 0.0),
                lags(1000L, 2000L, 3000L, 4000L),
                "{}");
        metrics(
                GLOBEX,
                "customer",
                "2026-11-25T09:00:00Z",
                "real-time",
                1000,
                counts(64, 8, 0, 2, 0, 0, 56, 8),
                shares(0.875, 0.875, 1.0, 0.75, 10.0 / 66),
                lags(500L, 2000L, 4000L, 9000L),
                "{\"EMAIL_INVALID\": 6, \"SINK_TIMEOUT\": 2, \"REQUIRED_FIELD_MISSING\": 2}");
        // A window that saw nothing: no share, no lag.
        metrics(
                GLOBEX,
                "customer",
                "2026-11-25T09:02:00Z",
                "real-time",
                1000,
                counts(0, 0, 0, 0, 0, 0, 0, 0),
                shares(null, null, null, null, null),
                lags(null, null, null, null),
                "{}");
        // The days before and after, all bad: in the report they would show.
        metrics(
                GLOBEX,
                "customer",
                "2026-11-24T23:59:00Z",
                "real-time",
                1000,
                counts(64, 64, 0, 0, 0, 0, 0, 8),
                shares(0.0, 0.0, 0.0, 0.0, 1.0),
                lags(null, null, null, null),
                "{\"X\": 64}");
        metrics(
                ACME,
                "customer",
                "2026-11-26T00:00:00Z",
                "real-time",
                1000,
                counts(64, 64, 0, 0, 0, 0, 0, 8),
                shares(0.0, 0.0, 0.0, 0.0, 1.0),
                lags(null, null, null, null),
                "{\"X\": 64}");
    }

    /**
     * EMAIL_INVALID 3 times, REQUIRED_FIELD_MISSING twice (once at the day's first instant), then
     * ten codes once: TENANT_MISSING (no tenant) and X01 to X09, of which the top ten keep X01 to
     * X07. More TENANT_MISSING and X09 just outside the day would move them up.
     */
    private static void insertErrors() throws SQLException {
        List<Object[]> errors = new ArrayList<>();
        errors.add(new Object[] {"EMAIL_INVALID", ACME, "2026-11-25T10:00:30Z"});
        errors.add(new Object[] {"EMAIL_INVALID", GLOBEX, "2026-11-25T09:00:10Z"});
        errors.add(new Object[] {"EMAIL_INVALID", GLOBEX, "2026-11-25T09:00:20Z"});
        errors.add(new Object[] {"REQUIRED_FIELD_MISSING", GLOBEX, "2026-11-25T09:00:30Z"});
        errors.add(new Object[] {"REQUIRED_FIELD_MISSING", GLOBEX, "2026-11-25T00:00:00Z"});
        errors.add(new Object[] {"TENANT_MISSING", null, "2026-11-25T11:00:00Z"});
        for (int i = 9; i >= 1; i--) {
            errors.add(new Object[] {"X0" + i, ACME, "2026-11-25T12:00:0" + i + "Z"});
        }
        for (int i = 0; i < 3; i++) {
            errors.add(new Object[] {"TENANT_MISSING", null, "2026-11-24T23:59:59.999Z"});
            errors.add(new Object[] {"X09", ACME, "2026-11-26T00:00:00Z"});
        }
        try (Connection connection = POSTGRES.connect(DATABASE);
                PreparedStatement insert =
                        connection.prepareStatement(
                                "INSERT INTO "
                                        + ERRORS.qualifiedName()
                                        + " (error_id, stage, error_class, code, escalation_level,"
                                        + " message, payload, tenant, entity_type, error_time)"
                                        + " VALUES (?, 'validate', 'PERMANENT', ?, 1, 'bad', '{}',"
                                        + " ?, 'customer', ?)")) {
            for (int i = 0; i < errors.size(); i++) {
                Object[] error = errors.get(i);
                insert.setString(1, "e" + i);
                insert.setString(2, (String) error[0]);
                insert.setString(3, (String) error[1]);
                insert.setObject(4, at((String) error[2]));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void insertAlerts() throws SQLException {
        alert(
                "a-globex-completeness",
                "quality",
                "warning",
                "resolved",
                GLOBEX,
                "customer",
                null,
                "completeness",
                0.875,
                0.95,
                "completeness 87.5% below 95% for globex <R&D>/customer</script>",
                "2026-11-25T09:01:00Z",
                "2026-11-25T09:20:00Z");
        alert(
                "a-crm-stalled",
                "source-stalled",
                "critical",
                "firing",
                null,
                null,
                "crm",
                "lag_millis",
                400000,
                300000,
                "source crm is 6m40s behind",
                "2026-11-25T12:30:00Z",
                null);
        alert(
                "a-acme-timeliness",
                "quality",
                "warning",
                "resolved",
                ACME,
                "customer",
                null,
                "timeliness",
                0.9,
                0.95,
                "timeliness 90% below 95% for acme/customer",
                "2026-11-25T10:05:00Z",
                "2026-11-25T10:10:00Z");
        alert(
                "a-before",
                "latency",
                "warning",
                "firing",
                ACME,
                "customer",
                null,
                "lag_millis",
                5000,
                1000,
                "yesterday",
                "2026-11-24T23:00:00Z",
                null);
        alert(
                "a-after",
                "latency",
                "warning",
                "firing",
                ACME,
                "customer",
                null,
                "lag_millis",
                5000,
                1000,
                "tomorrow",
                "2026-11-26T00:00:00Z",
                null);
    }

    // ---- the report of a day

    @Test
    void writesBothFilesAndASummaryLinePerTenantAndEntityType() {
        assertThat(run("--date", DAY, "--out", out.toString())).isZero();

        assertThat(stderr.toString()).isEmpty();
        assertThat(stdout.toString().lines())
                .containsExactly(
                        "wrote " + out.resolve("syncline-quality-report-2026-11-25.html"),
                        "wrote " + out.resolve("syncline-quality-report-2026-11-25.json"),
                        "acme/customer: PASS, 2 windows, completeness 100.00%, accuracy 99.61%,"
                                + " consistency 100.00%, timeliness 98.43%, worst lag p95 700 ms",
                        "acme/order: PASS, 1 window, completeness 100.00%, accuracy 100.00%,"
                                + " consistency -, timeliness 100.00%, worst lag p95 2000 ms",
                        "globex <R&D>/customer: FAIL, 2 windows, completeness 87.50%,"
                                + " accuracy 87.50%, consistency 100.00%, timeliness 75.00%,"
                                + " worst lag p95 2000 ms; below threshold: completeness,"
                                + " accuracy, timeliness");
        assertThat(out.resolve("syncline-quality-report-2026-11-25.html")).isRegularFile();
        assertThat(out.resolve("syncline-quality-report-2026-11-25.json")).isRegularFile();
    }

    @Test
    void jsonHoldsTheDaysWindowsSummariesTopCodesAndAlertsAndNothingOfOtherDays() throws Exception {
        assertThat(run("--date", DAY, "--out", out.toString())).isZero();
        JsonNode json =
                MAPPER.readTree(out.resolve("syncline-quality-report-2026-11-25.json").toFile());

        assertThat(json.get("date").asText()).isEqualTo(DAY);
        assertThat(json.get("tenant").isNull()).isTrue();
        assertThat(json.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(json.get("thresholds"))
                .isEqualTo(
                        MAPPER.readTree(
                                "{\"completeness\": 0.95, \"accuracy\": 0.99,"
                                        + " \"consistency\": 0.98, \"timeliness\": 0.95}"));

        assertThat(texts(json.get("entities"), "/tenant")).containsExactly(ACME, ACME, GLOBEX);
        assertThat(texts(json.get("entities"), "/entityType"))
                .containsExactly("customer", "order", "customer");
        assertThat(texts(json.at("/entities/0/windows"), "/windowStart"))
                .containsExactly("2026-11-25T10:00:00Z", "2026-11-25T10:01:00Z");
        assertThat(texts(json.at("/entities/1/windows"), "/windowStart"))
                .containsExactly("2026-11-25T23:59:00Z");
        assertThat(texts(json.at("/entities/2/windows"), "/windowStart"))
                .containsExactly("2026-11-25T09:00:00Z", "2026-11-25T09:02:00Z");

        assertThat(json.at("/entities/2/windows/0"))
                .isEqualTo(
                        MAPPER.readTree(
                                """
                                {"windowKind": "tumbling", "windowStart": "2026-11-25T09:00:00Z",
                                 "windowEnd": "2026-11-25T09:01:00Z", "syncClass": "real-time",
                                 "latencyTargetMillis": 1000, "validated": 64, "rejected": 8,
                                 "corrected": 0, "failed": 2, "duplicates": 0, "conflicts": 0,
                                 "delivered": 56, "readBackSampled": 8, "completeness": 0.875,
                                 "accuracy": 0.875, "consistency": 1.0, "timeliness": 0.75,
                                 "errorRate": %s, "lagP50Millis": 500, "lagP95Millis": 2000,
                                 "lagP99Millis": 4000, "lagMaxMillis": 9000,
                                 "errorCodes": {"EMAIL_INVALID": 6, "REQUIRED_FIELD_MISSING": 2,
                                                "SINK_TIMEOUT": 2}}
                                """
                                        .formatted(10.0 / 66)));
        assertThat(json.at("/entities/2/windows/1/completeness").isNull()).isTrue();
        assertThat(json.at("/entities/2/windows/1/lagP95Millis").isNull()).isTrue();

        assertThat(json.at("/entities/0/summary"))
                .isEqualTo(
                        MAPPER.readTree(
                                """
                                {"passed": true, "belowThreshold": [], "windows": 2,
                                 "syncClass": "real-time", "latencyTargetMillis": 1000,
                                 "validated": 256, "rejected": 1, "corrected": 2, "failed": 0,
                                 "duplicates": 1, "conflicts": 1, "delivered": 255,
                                 "readBackSampled": 16, "completeness": 1.0,
                                 "accuracy": 0.99609375, "consistency": 1.0, "timeliness": %s,
                                 "errorRate": 0.00390625, "worstLagP95Millis": 700,
                                 "worstLagP99Millis": 1200, "lagMaxMillis": 1500}
                                """
                                        .formatted(251.0 / 255)));
        assertThat(json.at("/entities/1/summary/consistency").isNull()).isTrue();
        assertThat(json.at("/entities/1/summary/latencyTargetMillis").asLong()).isEqualTo(60000);
        assertThat(json.at("/entities/2/summary"))
                .isEqualTo(
                        MAPPER.readTree(
                                """
                                {"passed": false,
                                 "belowThreshold": ["completeness", "accuracy", "timeliness"],
                                 "windows": 2, "syncClass": "real-time",
                                 "latencyTargetMillis": 1000, "validated": 64, "rejected": 8,
                                 "corrected": 0, "failed": 2, "duplicates": 0, "conflicts": 0,
                                 "delivered": 56, "readBackSampled": 8, "completeness": 0.875,
                                 "accuracy": 0.875, "consistency": 1.0, "timeliness": 0.75,
                                 "errorRate": %s, "worstLagP95Millis": 2000,
                                 "worstLagP99Millis": 4000, "lagMaxMillis": 9000}
                                """
                                        .formatted(10.0 / 66)));

        assertThat(json.get("topErrorCodes"))
                .isEqualTo(
                        MAPPER.readTree(
                                """
                                [{"code": "EMAIL_INVALID", "count": 3,
                                  "tenants": ["acme", "globex <R&D>"]},
                                 {"code": "REQUIRED_FIELD_MISSING", "count": 2,
                                  "tenants": ["globex <R&D>"]},
                                 {"code": "TENANT_MISSING", "count": 1, "tenants": []},
                                 {"code": "X01", "count": 1, "tenants": ["acme"]},
                                 {"code": "X02", "count": 1, "tenants": ["acme"]},
                                 {"code": "X03", "count": 1, "tenants": ["acme"]},
                                 {"code": "X04", "count": 1, "tenants": ["acme"]},
                                 {"code": "X05", "count": 1, "tenants": ["acme"]},
                                 {"code": "X06", "count": 1, "tenants": ["acme"]},
                                 {"code": "X07", "count": 1, "tenants": ["acme"]}]
                                """));

        assertThat(texts(json.get("alerts"), "/alertId"))
                .containsExactly("a-crm-stalled", "a-acme-timeliness", "a-globex-completeness");
        assertThat(json.at("/alerts/2"))
                .isEqualTo(
                        MAPPER.readTree(
                                """
                                {"alertId": "a-globex-completeness", "condition":
                                 "a-globex-completeness/condition", "kind": "quality",
                                 "severity": "warning", "status": "resolved",
                                 "tenant": "globex <R&D>", "entityType": "customer",
                                 "sourceId": null, "metric": "completeness", "value": 0.875,
                                 "threshold": 0.95, "message":
                                 "completeness 87.5% below 95% for globex <R&D>/customer</script>",
                                 "firedAt": "2026-11-25T09:01:00Z",
                                 "resolvedAt": "2026-11-25T09:20:00Z"}
                                """));
        assertThat(json.at("/alerts/0/resolvedAt").isNull()).isTrue();
    }

    @Test
    void htmlDrawsTwoChartsPerTenantAndEntityTypeWithThresholdsAndEmbedsTheData() throws Exception {
        assertThat(run("--date", DAY, "--out", out.toString())).isZero();
        String html = Files.readString(out.resolve("syncline-quality-report-2026-11-25.html"));
        String json = Files.readString(out.resolve("syncline-quality-report-2026-11-25.json"));

        assertThat(occurrences(html, "<svg")).isEqualTo(7);
        assertThat(occurrences(html, "class=\"chart quality-chart\"")).isEqualTo(3);
        assertThat(occurrences(html, "class=\"chart lag-chart\"")).isEqualTo(3);
        assertThat(occurrences(html, "class=\"chart error-chart\"")).isEqualTo(1);
        // Four dashed thresholds in each quality chart, one latency target in each lag chart.
        assertThat(
                        occurrences(
                                html,
                                "<line class=\"guide\" data-guide=\"completeness\""
                                        + " data-value=\"95\""))
                .isEqualTo(3);
        assertThat(occurrences(html, "data-guide=\"accuracy\" data-value=\"99\"")).isEqualTo(3);
        assertThat(occurrences(html, "data-guide=\"consistency\" data-value=\"98\"")).isEqualTo(3);
        assertThat(occurrences(html, "data-guide=\"timeliness\" data-value=\"95\"")).isEqualTo(3);
        assertThat(occurrences(html, "data-guide=\"latency-target\" data-value=\"1000\""))
                .isEqualTo(2);
        assertThat(occurrences(html, "data-guide=\"latency-target\" data-value=\"60000\""))
                .isEqualTo(1);
        assertThat(occurrences(html, "stroke-dashoffset=")).isEqualTo(15);

        assertThat(html)
                .contains(
                        "<p class=\"verdict fail\" id=\"verdict\">FAIL — 1 of 3 tenant/entity"
                                + " types below threshold: globex &lt;R&amp;D&gt;/customer (completeness,"
                                + " accuracy, timeliness)</p>")
                .contains("<h2>globex &lt;R&amp;D&gt; / customer — FAIL</h2>")
                .contains("<td class=\"number fail\" data-metric=\"completeness\">87.50%</td>")
                .contains("<td class=\"number pass\" data-metric=\"consistency\">100.00%</td>")
                .contains("<td class=\"number na\" data-metric=\"consistency\">–</td>")
                .contains("for globex &lt;R&amp;D&gt;/customer&lt;/script&gt;</td>")
                .doesNotContain(GLOBEX);
        // Nothing from elsewhere: the page opens offline.
        assertThat(html).doesNotContain("<link").doesNotContain("src=").doesNotContain("url(");
        assertThat(occurrences(html, "</script>")).isEqualTo(1);

        JsonNode embedded = MAPPER.readTree(embeddedData(html));
        assertThat(embedded).isEqualTo(MAPPER.readTree(json));
        assertThat(embedded.at("/entities/2/windows/0/completeness").asDouble()).isEqualTo(0.875);
        assertThat(embedded.at("/entities/0/windows/1/lagP99Millis").asLong()).isEqualTo(1200);
    }

    @Test
    void tenantOptionReportsThatTenantAndTheAlertsOfSources() throws Exception {
        assertThat(run("--date", DAY, "--tenant", ACME, "--out", out.toString())).isZero();
        JsonNode json =
                MAPPER.readTree(out.resolve("syncline-quality-report-2026-11-25.json").toFile());

        assertThat(json.get("tenant").asText()).isEqualTo(ACME);
        assertThat(json.get("verdict").asText()).isEqualTo("PASS");
        assertThat(texts(json.get("entities"), "/entityType")).containsExactly("customer", "order");
        assertThat(texts(json.get("topErrorCodes"), "/code"))
                .containsExactly(
                        "EMAIL_INVALID",
                        "X01",
                        "X02",
                        "X03",
                        "X04",
                        "X05",
                        "X06",
                        "X07",
                        "X08",
                        "X09");
        assertThat(json.at("/topErrorCodes/0/count").asLong()).isEqualTo(1);
        assertThat(texts(json.get("alerts"), "/alertId"))
                .containsExactly("a-crm-stalled", "a-acme-timeliness");
    }

    @Test
    void theConfiguredThresholdsJudgeTheDay() throws Exception {
        Files.writeString(
                config,
                Files.readString(config)
                        + """
                        observability:
                          thresholds:
                            completeness: 0.85
                            accuracy: 0.875
                            timeliness: 0.75
                        """);

        assertThat(run("--date", DAY, "--out", out.toString())).isZero();

        JsonNode json =
                MAPPER.readTree(out.resolve("syncline-quality-report-2026-11-25.json").toFile());
        assertThat(json.get("verdict").asText()).isEqualTo("PASS");
        assertThat(json.get("thresholds"))
                .isEqualTo(
                        MAPPER.readTree(
                                "{\"completeness\": 0.85, \"accuracy\": 0.875,"
                                        + " \"consistency\": 0.98, \"timeliness\": 0.75}"));
        assertThat(stdout.toString().lines().toList().get(4))
                .startsWith("globex <R&D>/customer: PASS, 2 windows, completeness 87.50%");
    }

    @Test
    void anEmptyDayWritesAPageThatSaysWhatToCheck() throws Exception {
        assertThat(run("--date", "2026-11-20", "--out", out.toString())).isZero();

        String message =
                "No quality windows recorded on 2026-11-20 — is the job running with observability"
                        + " enabled?";
        assertThat(stdout.toString().lines()).hasSize(3).last().isEqualTo(message);
        String html = Files.readString(out.resolve("syncline-quality-report-2026-11-20.html"));
        assertThat(html)
                .contains("<p class=\"empty\" id=\"no-data\">" + message + "</p>")
                .doesNotContain("<svg");
        JsonNode json =
                MAPPER.readTree(out.resolve("syncline-quality-report-2026-11-20.json").toFile());
        assertThat(json.get("verdict").asText()).isEqualTo("NO_DATA");
        assertThat(json.get("entities")).isEmpty();
        assertThat(json.get("topErrorCodes")).isEmpty();
        assertThat(json.get("alerts")).isEmpty();
    }

    // ---- failures

    @Test
    void missingQualityMetricsTableSaysHowToCreateIt() {
        POSTGRES.execute(DATABASE, "DROP TABLE " + METRICS.qualifiedName());

        assertThat(run("--date", DAY, "--out", out.toString())).isEqualTo(1);

        assertThat(stderr.toString())
                .isEqualTo(
                        "syncline: no quality_metrics table in schema ops at "
                                + targetUrl(POSTGRES.port())
                                + ": run the job once with observability enabled, or check"
                                + " sinks.target.schema and sinks.target.qualityMetricsTable"
                                + System.lineSeparator());
        assertThat(out).doesNotExist();
    }

    @Test
    void unreachableDatabaseNamesTheUrlAndTheSettings() throws IOException {
        int closedPort = closedPort();
        config = writeConfig(closedPort);

        assertThat(run("--date", DAY, "--out", out.toString())).isEqualTo(1);

        assertThat(stderr.toString())
                .startsWith(
                        "syncline: cannot connect to PostgreSQL at jdbc:postgresql://localhost:"
                                + closedPort
                                + "/"
                                + DATABASE
                                + " as user '")
                .contains(
                        "is PostgreSQL running and reachable from here? check sinks.target.url,"
                                + " username and password");
        assertThat(out).doesNotExist();
    }

    @Test
    void aDateThatIsNotOneIsAUsageError() {
        assertThat(run("--date", "25.11.2026")).isEqualTo(2);

        assertThat(stderr.toString())
                .contains("'25.11.2026' is not a date; write an ISO date, e.g. 2026-11-25");
    }

    // ---- the entry point of the demo

    @Test
    void theEntryPointWritesTheSameReportAsTheCommand() throws Exception {
        TargetSettings target = ConfigLoader.load(config).sinks().target();

        ReportFiles files =
                QualityReports.write(
                        target, LocalDate.parse(DAY), ReportThresholds.defaults(), out);

        assertThat(files.html()).isEqualTo(out.resolve("syncline-quality-report-2026-11-25.html"));
        assertThat(files.json()).isEqualTo(out.resolve("syncline-quality-report-2026-11-25.json"));
        JsonNode written = MAPPER.readTree(files.json().toFile());
        Clock clock =
                Clock.fixed(Instant.parse(written.get("generatedAt").asText()), ZoneOffset.UTC);
        QualityReport again =
                QualityReports.load(
                        target, LocalDate.parse(DAY), null, ReportThresholds.defaults(), clock);
        assertThat(Files.readString(files.json())).isEqualTo(JsonReport.render(again));
        assertThat(Files.readString(files.html())).isEqualTo(HtmlReport.render(again));
    }

    // ---- helpers

    /** Runs {@code syncline report --config=<config> <args>} as the real command line does. */
    private int run(String... args) {
        CommandLine commandLine = SynclineCli.commandLine();
        commandLine.setOut(new PrintWriter(stdout, true));
        commandLine.setErr(new PrintWriter(stderr, true));
        List<String> arguments = new ArrayList<>(List.of("report", "--config=" + config));
        arguments.addAll(List.of(args));
        return commandLine.execute(arguments.toArray(String[]::new));
    }

    private Path writeConfig(int postgresPort) throws IOException {
        return Files.writeString(
                directory.resolve("syncline.yaml"),
                """
                sources:
                  - id: crm
                    hostname: localhost
                    database: crm
                    username: syncline
                    tables:
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: localhost:9092
                  target:
                    url: %s
                    username: %s
                    password: %s
                    schema: %s
                """
                        .formatted(
                                targetUrl(postgresPort),
                                POSTGRES.username(),
                                POSTGRES.password(),
                                SCHEMA));
    }

    private static String targetUrl(int postgresPort) {
        return "jdbc:postgresql://localhost:" + postgresPort + "/" + DATABASE;
    }

    private static List<String> texts(JsonNode array, String pointer) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(node -> node.at(pointer).asText())
                .toList();
    }

    private static long[] counts(
            long validated,
            long rejected,
            long corrected,
            long failed,
            long duplicates,
            long conflicts,
            long delivered,
            long readBackSampled) {
        return new long[] {
            validated,
            rejected,
            corrected,
            failed,
            duplicates,
            conflicts,
            delivered,
            readBackSampled
        };
    }

    /** Completeness, accuracy, consistency, timeliness and error rate. */
    private static Double[] shares(
            Double completeness,
            Double accuracy,
            Double consistency,
            Double timeliness,
            Double errorRate) {
        return new Double[] {completeness, accuracy, consistency, timeliness, errorRate};
    }

    private static Long[] lags(Long p50, Long p95, Long p99, Long max) {
        return new Long[] {p50, p95, p99, max};
    }

    /** Inserts a one-minute tumbling window starting at {@code start}. */
    private static void metrics(
            String tenant,
            String entityType,
            String start,
            String syncClass,
            long latencyTargetMillis,
            long[] counts,
            Double[] shares,
            Long[] lags,
            String errorCodes)
            throws SQLException {
        String placeholders =
                String.join(
                        ", ",
                        IntStream.range(0, QualityMetricsTable.COLUMNS.size() - 1)
                                .mapToObj(i -> "?")
                                .toList());
        try (Connection connection = POSTGRES.connect(DATABASE);
                PreparedStatement insert =
                        connection.prepareStatement(
                                "INSERT INTO "
                                        + METRICS.qualifiedName()
                                        + " ("
                                        + String.join(", ", QualityMetricsTable.COLUMNS)
                                        + ") VALUES ("
                                        + placeholders
                                        + ", CAST(? AS jsonb))")) {
            int index = 1;
            insert.setString(index++, tenant);
            insert.setString(index++, entityType);
            insert.setString(index++, "tumbling");
            insert.setObject(index++, at(start));
            insert.setObject(index++, at(start).plusMinutes(1));
            insert.setString(index++, syncClass);
            insert.setLong(index++, latencyTargetMillis);
            for (long count : counts) {
                insert.setLong(index++, count);
            }
            for (Double share : shares) {
                insert.setObject(index++, share, Types.DOUBLE);
            }
            for (Long lag : lags) {
                insert.setObject(index++, lag, Types.BIGINT);
            }
            insert.setString(index, errorCodes);
            insert.executeUpdate();
        }
    }

    private static void alert(
            String alertId,
            String kind,
            String severity,
            String status,
            String tenant,
            String entityType,
            String sourceId,
            String metric,
            double value,
            double threshold,
            String message,
            String firedAt,
            String resolvedAt)
            throws SQLException {
        try (Connection connection = POSTGRES.connect(DATABASE);
                PreparedStatement insert =
                        connection.prepareStatement(
                                "INSERT INTO "
                                        + ALERTS.qualifiedName()
                                        + " ("
                                        + String.join(", ", AlertsTable.ALL_COLUMNS)
                                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, alertId);
            insert.setString(2, alertId + "/condition");
            insert.setString(3, kind);
            insert.setString(4, severity);
            insert.setString(5, status);
            insert.setString(6, tenant);
            insert.setString(7, entityType);
            insert.setString(8, sourceId);
            insert.setString(9, metric);
            insert.setDouble(10, value);
            insert.setDouble(11, threshold);
            insert.setString(12, message);
            insert.setObject(13, at(firedAt));
            insert.setObject(
                    14, resolvedAt == null ? null : at(resolvedAt), Types.TIMESTAMP_WITH_TIMEZONE);
            insert.executeUpdate();
        }
    }

    private static OffsetDateTime at(String instant) {
        return OffsetDateTime.ofInstant(Instant.parse(instant), ZoneOffset.UTC);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

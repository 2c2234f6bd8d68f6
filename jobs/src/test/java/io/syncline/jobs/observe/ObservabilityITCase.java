package io.syncline.jobs.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.Poll;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.report.QualityReports;
import io.syncline.jobs.report.ReportThresholds;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Observability end to end against real PostgreSQL, Kafka, a local HTTP endpoint (Slack, PagerDuty
 * and SMS formats) and an in-process SMTP server: one tenant's accuracy is degraded on purpose in
 * one transaction, so its window is known from the commit time; its metrics cross the threshold in
 * that window, exactly one warning reaches Slack and email (none pages), the other tenants stay
 * green; a stalled source (its heartbeats no longer replicated) raises a critical alert that pages
 * and resolves when the source moves again. The Prometheus endpoint is scraped over HTTP, and the
 * daily report is generated from the quality metrics table.
 */
class ObservabilityITCase {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final long WINDOW_MILLIS = 10_000;
    private static final int PROMETHEUS_PORT = freePort();
    private static final String NAME = "observe";
    private static final String SOURCE = "crm_" + NAME;

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(prometheus())
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension
    static final GreenMailExtension MAIL =
            new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private EmbeddedPostgresServer postgres;
    private WebhookRecorder webhooks;
    private JobClient job;

    @AfterEach
    void stop() throws Exception {
        if (job != null) {
            Poll.cancel(job);
        }
        if (webhooks != null) {
            webhooks.close();
        }
    }

    @Test
    void degradedTenantAlertsOnceStalledSourcePagesAndMetricsAreScrapedAndReported()
            throws Exception {
        postgres = POSTGRES.server();
        postgres.createDatabase(sourceDb());
        postgres.createDatabase(targetDb());
        postgres.execute(
                sourceDb(),
                "CREATE TABLE customers (id BIGINT PRIMARY KEY, tenant_id TEXT, name TEXT,"
                        + " email TEXT, credit_limit NUMERIC(12,2))");
        webhooks = new WebhookRecorder();
        Files.writeString(dir.resolve("rules.yaml"), RULES);
        Path configFile = dir.resolve(NAME + ".yaml");
        Files.writeString(configFile, config());
        SynclineConfig config = ConfigLoader.load(configFile);
        start(config);

        // The source streams once its heartbeats are measured.
        Poll.until(TIMEOUT, "the source's lag on the Prometheus endpoint", () -> sourceLag() >= 0);

        // One transaction, so every row has one commit time and the window is known: t2 has
        // 4 of 20 customers with a negative credit limit, which the range rule rejects.
        Instant committed = insertCustomers(Map.of("t1", 0, "t2", 4, "t3", 0), 20);
        Instant windowStart =
                Instant.ofEpochMilli(committed.toEpochMilli() / WINDOW_MILLIS * WINDOW_MILLIS);

        Poll.until(
                TIMEOUT,
                "the window of the degraded tenant and of the others",
                () -> metricsOf(windowStart).keySet().containsAll(List.of("t1", "t2", "t3")));
        Map<String, Map<String, Object>> window = metricsOf(windowStart);
        assertThat(window.get("t2"))
                .containsEntry("validated", 20L)
                .containsEntry("rejected", 4L)
                .containsEntry("accuracy", 0.8)
                .containsEntry("completeness", 1.0)
                .containsEntry("window_kind", "tumbling");
        for (String green : List.of("t1", "t3")) {
            assertThat(window.get(green))
                    .as("tenant %s", green)
                    .containsEntry("validated", 20L)
                    .containsEntry("rejected", 0L)
                    .containsEntry("accuracy", 1.0)
                    .containsEntry("completeness", 1.0);
        }
        assertThat((Instant) window.get("t2").get("window_end"))
                .isEqualTo(windowStart.plusMillis(WINDOW_MILLIS));

        // Exactly one warning, to Slack and email; warnings page nobody.
        Poll.until(
                TIMEOUT,
                "the accuracy warning on Slack and by email",
                () ->
                        !slackAbout("quality/accuracy/t2/customer").isEmpty()
                                && MAIL.getReceivedMessages().length > 0);
        List<JsonNode> slack = slackAbout("quality/accuracy/t2/customer");
        assertThat(slack).hasSize(1);
        assertThat(slack.get(0).path("text").asText()).contains("WARNING").contains("t2");
        assertThat(slack.get(0).path("attachments").get(0).path("color").asText())
                .isEqualTo("warning");
        assertThat(webhooks.bodies("/slack")).hasSize(1);
        MimeMessage[] mails = MAIL.getReceivedMessages();
        assertThat(mails).hasSize(1);
        assertThat(mails[0].getSubject()).startsWith("[Syncline WARNING]").contains("t2");
        assertThat(mails[0].getAllRecipients()[0].toString()).isEqualTo("oncall@it.example");
        assertThat(webhooks.bodies("/pagerduty")).isEmpty();
        assertThat(webhooks.bodies("/sms")).isEmpty();
        // The alerts table's row commits with the next checkpoint, after the notifiers got it.
        Poll.until(TIMEOUT, "the alert in the alerts table", () -> !alertRows().isEmpty());
        assertThat(alertRows())
                .extracting(row -> row.get("condition"))
                .containsExactly("quality/accuracy/t2/customer");

        // Prometheus shows the per-tenant metrics of the window.
        String scraped = scrape();
        assertThat(gauge(scraped, "qualityAccuracy", "t2")).isEqualTo(0.8);
        assertThat(gauge(scraped, "qualityAccuracy", "t1")).isEqualTo(1.0);
        assertThat(gauge(scraped, "qualityCompleteness", "t3")).isEqualTo(1.0);

        // A stalled source: its heartbeats are written but no longer replicated, nothing
        // arrives, the lag rises and pages.
        postgres.execute(
                sourceDb(),
                "ALTER PUBLICATION syncline_" + SOURCE + " DROP TABLE syncline_heartbeat");
        Poll.until(
                TIMEOUT,
                "a PagerDuty trigger for the stalled source",
                () -> !pagerDuty("trigger").isEmpty());
        postgres.execute(
                sourceDb(),
                "ALTER PUBLICATION syncline_" + SOURCE + " ADD TABLE syncline_heartbeat");
        JsonNode trigger = pagerDuty("trigger").get(0);
        assertThat(trigger.path("routing_key").asText()).isEqualTo("it-routing-key");
        assertThat(trigger.path("dedup_key").asText()).startsWith("source-stalled/" + SOURCE + "@");
        assertThat(trigger.path("payload").path("severity").asText()).isEqualTo("critical");
        Poll.until(
                TIMEOUT, "the SMS of the stalled source", () -> !webhooks.bodies("/sms").isEmpty());
        assertThat(JSON.readTree(webhooks.bodies("/sms").get(0)).path("message").asText())
                .contains(SOURCE);
        // The source moves again: the alert resolves under the same dedup key.
        Poll.until(
                TIMEOUT,
                "a PagerDuty resolve for the source",
                () -> !pagerDuty("resolve").isEmpty());
        assertThat(pagerDuty("resolve").get(0).path("dedup_key").asText())
                .isEqualTo(trigger.path("dedup_key").asText());
        assertThat(pagerDuty("trigger")).hasSize(1);
        assertThat(alertRows()).extracting(row -> row.get("tenant")).doesNotContain("t1", "t3");

        // The daily report of the day, from the quality metrics table.
        LocalDate day = committed.atZone(ZoneOffset.UTC).toLocalDate();
        QualityReports.ReportFiles report =
                QualityReports.write(
                        config.sinks().target(), day, ReportThresholds.defaults(), dir);
        String html = Files.readString(report.html());
        assertThat(html).contains("<svg").contains("t2").contains("report-data");
        JsonNode json = JSON.readTree(Files.readString(report.json()));
        assertThat(json.toString()).contains("\"t2\"").contains("0.8");
    }

    private void start(SynclineConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        SyncJobFactory.create(config).build(env);
        job = env.executeAsync(config.job().name());
    }

    /** Inserts {@code perTenant} customers of each tenant, the given number invalid, at once. */
    private Instant insertCustomers(Map<String, Integer> invalid, int perTenant)
            throws SQLException {
        try (Connection source = postgres.connect(sourceDb())) {
            source.setAutoCommit(false);
            long id = 1;
            try (Statement statement = source.createStatement()) {
                for (Map.Entry<String, Integer> tenant : invalid.entrySet()) {
                    for (int i = 0; i < perTenant; i++, id++) {
                        String limit = i < tenant.getValue() ? "-1.00" : "1000.00";
                        statement.addBatch(
                                "INSERT INTO customers VALUES ("
                                        + id
                                        + ", '"
                                        + tenant.getKey()
                                        + "', 'Customer "
                                        + id
                                        + "', 'c"
                                        + id
                                        + "@example.com', "
                                        + limit
                                        + ")");
                    }
                }
                statement.executeBatch();
            }
            source.commit();
            try (Statement statement = source.createStatement();
                    ResultSet rows =
                            statement.executeQuery(
                                    "SELECT DISTINCT pg_xact_commit_timestamp(xmin) FROM"
                                            + " customers")) {
                assertThat(rows.next()).isTrue();
                Instant committed = rows.getTimestamp(1).toInstant();
                assertThat(rows.next()).as("one commit time").isFalse();
                return committed;
            }
        }
    }

    /** The quality metrics of each tenant's customers in the window starting at {@code start}. */
    private Map<String, Map<String, Object>> metricsOf(Instant start) throws SQLException {
        Map<String, Map<String, Object>> byTenant = new HashMap<>();
        try (Connection target = postgres.connect(targetDb());
                Statement statement = target.createStatement();
                ResultSet rows =
                        statement.executeQuery(
                                "SELECT * FROM quality_metrics WHERE entity_type = 'customer'"
                                        + " AND window_start = '"
                                        + start
                                        + "'::timestamptz")) {
            while (rows.next()) {
                Map<String, Object> row = new HashMap<>();
                row.put("window_kind", rows.getString("window_kind"));
                row.put("window_end", rows.getTimestamp("window_end").toInstant());
                row.put("validated", rows.getLong("validated"));
                row.put("rejected", rows.getLong("rejected"));
                row.put("accuracy", rows.getObject("accuracy"));
                row.put("completeness", rows.getObject("completeness"));
                byTenant.put(rows.getString("tenant"), row);
            }
        }
        return byTenant;
    }

    private List<Map<String, String>> alertRows() throws SQLException {
        List<Map<String, String>> alerts = new ArrayList<>();
        try (Connection target = postgres.connect(targetDb());
                Statement statement = target.createStatement();
                ResultSet rows =
                        statement.executeQuery(
                                "SELECT condition, tenant, severity FROM syncline_alerts"
                                        + " WHERE kind <> 'source-lag'"
                                        + " AND kind <> 'source-stalled' ORDER BY fired_at")) {
            while (rows.next()) {
                Map<String, String> row = new HashMap<>();
                row.put("condition", rows.getString("condition"));
                row.put("tenant", rows.getString("tenant"));
                alerts.add(row);
            }
        }
        return alerts;
    }

    private List<JsonNode> slackAbout(String condition) throws IOException {
        List<JsonNode> messages = new ArrayList<>();
        for (String body : webhooks.bodies("/slack")) {
            JsonNode message = JSON.readTree(body);
            String footer = message.path("attachments").get(0).path("footer").asText();
            if (footer.contains(condition + "@")) {
                messages.add(message);
            }
        }
        return messages;
    }

    private List<JsonNode> pagerDuty(String action) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String body : webhooks.bodies("/pagerduty")) {
            JsonNode event = JSON.readTree(body);
            if (event.path("event_action").asText().equals(action)) {
                events.add(event);
            }
        }
        return events;
    }

    private static String scrape() throws IOException, InterruptedException {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://localhost:"
                                                                + PROMETHEUS_PORT
                                                                + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The value of {@code metric} for {@code tenant}'s customers, or null if not exported. */
    private static Double gauge(String scraped, String metric, String tenant) {
        for (String line : scraped.split("\n")) {
            // Key-value groups put their keys into the name too: ..._tenant_entity_type_<metric>.
            if (line.startsWith("flink_taskmanager_job_task_operator_")
                    && line.contains("_" + metric + "{")
                    && line.contains("tenant=\"" + tenant + "\"")
                    && line.contains("entity_type=\"customer\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return null;
    }

    /** The source's lag in milliseconds on the Prometheus endpoint, -1 while not exported. */
    private static double sourceLag() {
        try {
            for (String line : scrape().split("\n")) {
                if (line.startsWith("flink_taskmanager_job_task_operator_")
                        && line.contains("_sourceLagMillis{")
                        && line.contains("source=\"" + SOURCE + "\"")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        } catch (IOException e) {
            // Not up yet.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    private static Configuration prometheus() {
        Configuration flink = new Configuration();
        JobEnvironments.prometheusReporter(flink, String.valueOf(PROMETHEUS_PORT));
        return flink;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sourceDb() {
        return "src_" + NAME;
    }

    private static String targetDb() {
        return "tgt_" + NAME;
    }

    private static final String RULES =
            """
            version: 1
            entities:
              customer:
                rules:
                  - {type: required, field: name}
                  - {type: required, field: email}
                  - {type: range, field: credit_limit, min: 0, max: 1000000}
            """;

    private String config() {
        return """
                job:
                  name: it-%1$s
                  parallelism: 2
                checkpoints:
                  interval: 1s
                  directory: %2$s
                restart:
                  initialBackoff: 200ms
                  maxBackoff: 2s
                tenants: [t1, t2, t3]
                sources:
                  - id: %3$s
                    hostname: %4$s
                    port: %5$d
                    database: %6$s
                    username: %7$s
                    password: %8$s
                    tables:
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: %9$s
                    changeTopic: changes-%1$s
                    errorTopic: errors-%1$s
                    controlTopic: control-%1$s
                    conflictTopic: conflicts-%1$s
                    qualityTopic: quality-%1$s
                    alertTopic: alerts-%1$s
                    transactionalIdPrefix: it-%1$s
                  target:
                    url: %10$s
                    username: %7$s
                    password: %8$s
                    batchInterval: 100ms
                validation:
                  rules: rules.yaml
                observability:
                  window: {kind: tumbling, size: 10s}
                  maxDelay: 1s
                  latencyTargets: {customer: 1m}
                  heartbeat: {interval: 1s}
                  readBack: {sampleRate: 1.0, delay: 3s}
                  thresholds: {sourceLag: 10s, sourceStalled: 20s}
                alerts:
                  rateLimit: 0s
                  retry: {maxAttempts: 3, initialBackoff: 100ms, maxBackoff: 1s}
                  slack: {webhookUrl: '%11$s'}
                  pagerduty: {routingKey: it-routing-key, eventsUrl: '%12$s'}
                  email:
                    host: localhost
                    port: %13$d
                    startTls: false
                    from: syncline@it.example
                    to: [oncall@it.example]
                  sms: {gatewayUrl: '%14$s', to: ['+4915100000000']}
                """
                .formatted(
                        NAME,
                        dir.resolve("checkpoints").toUri(),
                        SOURCE,
                        postgres.host(),
                        postgres.port(),
                        sourceDb(),
                        postgres.username(),
                        postgres.password(),
                        KAFKA.server().bootstrapServers(),
                        postgres.jdbcUrl(targetDb()),
                        webhooks.url("/slack"),
                        webhooks.url("/pagerduty"),
                        MAIL.getSmtp().getPort(),
                        webhooks.url("/sms"));
    }
}

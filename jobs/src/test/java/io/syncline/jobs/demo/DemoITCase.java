package io.syncline.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.jobs.Poll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo as a newcomer runs it, shortened and run once for all tests: two sources write
 * conflicting changes, the console counts the conflicts by strategy, and the target must end in the
 * state the strategies define. While it runs, the console shows each quality window per tenant and
 * the alerts the invalid rows raise, and Prometheus exports every tenant's quality; at exit the
 * demo writes the day's quality report.
 */
class DemoITCase {

    private static final String COUNT = "[1-9]\\d*";
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern REPORT_FILES =
            Pattern.compile(
                    "Daily quality report of (\\d{4}-\\d\\d-\\d\\d) \\(UTC\\): .*\\n"
                            + " {2}(\\S+)\\n {2}(\\S+)\\n");

    private static int prometheusPort;
    private static boolean matched;
    private static String printed;
    private static Set<String> tenantsExported;

    @BeforeAll
    static void runDemo() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        prometheusPort = freePort();
        // Port 0: a free port for the web UI, so the test does not clash with a running demo.
        // With the optional API sources too: everything else runs as without them.
        Demo demo = new Demo(20, 0, prometheusPort, out, true, true);
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> run = runner.submit(() -> demo.run(Duration.ofSeconds(15)));
            // The job runs on until the window of the last change has closed, so every tenant's
            // quality is on the endpoint before the demo ends; the test asserts that it was.
            tenantsExported = Set.of();
            Poll.until(
                    TIMEOUT,
                    "the accuracy of every tenant on the Prometheus endpoint, or the demo's end",
                    () -> {
                        tenantsExported = tenantsWith(scrape(prometheusPort), "qualityAccuracy");
                        return tenantsExported.containsAll(DemoDatabase.TENANTS) || run.isDone();
                    });
            matched = run.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            runner.shutdownNow();
            printed = bytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void demoResolvesConflictsOfTwoSourcesAndRejectsTheInvalidRows() {
        assertThat(matched).as(printed).isTrue();
        assertThat(printed)
                .contains("job RUNNING")
                .contains("both sources' snapshots are in the target")
                .containsPattern(
                        "customers: source rows crm "
                                + COUNT
                                + ", erp "
                                + COUNT
                                + " -> last-writer-wins expects "
                                + COUNT
                                + ", target has "
                                + COUNT
                                + " -> identical, row for row")
                .containsPattern(
                        "contracts: source rows crm "
                                + COUNT
                                + " -> last-writer-wins expects "
                                + COUNT
                                + ", target has "
                                + COUNT
                                + " -> identical, row for row")
                .containsPattern(
                        "accounts: source rows crm "
                                + COUNT
                                + ", erp "
                                + COUNT
                                + " -> custom:HighestValueWins expects "
                                + COUNT
                                + ", target has "
                                + COUNT
                                + " -> identical, row for row")
                .doesNotContain("DIFFERENT")
                .containsPattern(
                        "customers.email \\([1-9][0-9]* values\\): encrypted in the target")
                .containsPattern("captured " + COUNT + " ")
                .containsPattern("errors " + COUNT + " \\{")
                .containsPattern("corrected " + COUNT + " ")
                .containsPattern(
                        "(SCHEMA_FORMAT|RULE_ALLOWED_VALUES|RULE_RANGE|RI_MISSING_PARENT)=")
                .contains("Stopped.");

        // The report after the catch-up counts every conflict: both strategies were at work.
        List<String> conflictLines =
                printed.lines().filter(line -> line.contains("erp: written")).toList();
        assertThat(conflictLines).as(printed).isNotEmpty();
        assertThat(conflictLines.get(conflictLines.size() - 1))
                .containsPattern("erp: written " + COUNT + " \\| conflicts " + COUNT + ": ")
                .containsPattern("last-writer-wins " + COUNT + " \\((won|lost) " + COUNT)
                .containsPattern("custom:HighestValueWins " + COUNT + " \\((won|lost) " + COUNT)
                .doesNotContain("open");
    }

    @Test
    void theHttpSourceAndTheWebhookReachTheirTablesRowForRow() {
        assertThat(printed)
                .containsPattern(
                        "HTTP source      http://127\\.0\\.0\\.1:\\d+/tickets \\(a helpdesk's"
                                + " delta API, OAuth client credentials\\) -> table tickets")
                .containsPattern(
                        "webhook          http://127\\.0\\.0\\.1:\\d+/webhooks/payments"
                                + " \\(signed POSTs of payments, HMAC-SHA256\\) -> table payments")
                .containsPattern(
                        "tickets: source rows helpdesk API ("
                                + COUNT
                                + ") -> last-writer-wins expects \\1, target has \\1 -> identical,"
                                + " row for row")
                .containsPattern(
                        "payments: source rows payments webhook ("
                                + COUNT
                                + ") -> last-writer-wins expects \\1, target has \\1 -> identical,"
                                + " row for row")
                .containsPattern(
                        "helpdesk API listed "
                                + COUNT
                                + " ticket changes \\("
                                + COUNT
                                + " tokens, "
                                + COUNT
                                + " page requests\\) \\| webhook: "
                                + COUNT
                                + " payment changes acknowledged");
    }

    @Test
    void consoleShowsEachQualityWindowPerTenantAndTheAlertsTheInvalidRowsRaise() {
        assertThat(printed)
                .containsPattern("quality window \\d\\d:\\d\\d:\\d\\d-\\d\\d:\\d\\d:\\d\\d UTC\\n")
                .containsPattern(
                        "tenant +entity +validated +errors +complete +accurate +consistent"
                                + " +timely +lag p50 +p95 +max")
                // A share below its threshold is marked.
                .containsPattern("\\d+\\.\\d%!")
                .containsPattern(
                        "alert FIRING +WARNING +accuracy of (customer|contract) for tenant"
                                + " (acme|globex|initech) is [\\d.]+ % \\(threshold 99.0 %\\)")
                .containsPattern(
                        "quality: " + COUNT + " windows closed; alerts: " + COUNT + " fired, ");
        for (String tenant : DemoDatabase.TENANTS) {
            // A row of the tenant's customers: validated, errors, then the shares.
            assertThat(printed)
                    .as(tenant)
                    .containsPattern(
                            "(?m)^ +" + tenant + " +customer +" + COUNT + " +\\d+ +\\d+\\.\\d%");
        }
    }

    @Test
    void prometheusEndpointExportsEveryTenantsQuality() {
        assertThat(printed).contains("Prometheus       http://localhost:" + prometheusPort);
        assertThat(tenantsExported).containsAll(DemoDatabase.TENANTS);
    }

    @Test
    void dailyQualityReportIsWrittenOnceTheJobStopped() throws IOException {
        // Read from the tables once the job has stopped, before PostgreSQL stops.
        assertThat(printed.indexOf("Stopping the job ..."))
                .as(printed)
                .isNotNegative()
                .isLessThan(printed.indexOf("Daily quality report of "));
        assertThat(printed.indexOf("Daily quality report of "))
                .isLessThan(printed.indexOf("Stopping Kafka and PostgreSQL ..."));
        assertThat(printed)
                .containsPattern(
                        "Daily quality report of \\S+ \\(UTC\\): FAIL, "
                                + COUNT
                                + " tenant/entity types; below threshold: accuracy of ");

        Matcher report = REPORT_FILES.matcher(printed);
        assertThat(report.find()).as(printed).isTrue();
        String date = report.group(1);
        Path html = Path.of(report.group(2));
        Path json = Path.of(report.group(3));
        assertThat(html.getFileName()).hasToString("syncline-quality-report-" + date + ".html");
        assertThat(json.getFileName()).hasToString("syncline-quality-report-" + date + ".json");
        String page = Files.readString(html);
        assertThat(page).contains(DemoDatabase.TENANTS);

        JsonNode day = new ObjectMapper().readTree(json.toFile());
        assertThat(day.path("date").asText()).isEqualTo(date);
        assertThat(day.path("verdict").asText()).isEqualTo("FAIL");
        Set<String> validated = new TreeSet<>();
        for (JsonNode entity : day.path("entities")) {
            String tenant = entity.path("tenant").asText();
            JsonNode summary = entity.path("summary");
            if (DemoDatabase.TENANTS.contains(tenant)) {
                assertThat(summary.path("windows").asInt()).as(tenant).isPositive();
                if (summary.path("validated").asLong() > 0) {
                    validated.add(tenant + "/" + entity.path("entityType").asText());
                }
            } else {
                // No tenant, or one not configured: only the decoder saw them, and rejected them.
                assertThat(summary.path("validated").asLong()).as(tenant).isZero();
                assertThat(summary.path("failed").asLong()).as(tenant).isPositive();
            }
        }
        for (String tenant : DemoDatabase.TENANTS) {
            assertThat(validated).contains(tenant + "/customer", tenant + "/contract");
        }
    }

    /** The tenants {@code metric} is exported for on the Prometheus endpoint. */
    private static Set<String> tenantsWith(String scraped, String metric) {
        Set<String> tenants = new TreeSet<>();
        Matcher tenant = Pattern.compile("tenant=\"([^\"]+)\"").matcher("");
        for (String line : scraped.split("\n")) {
            // Key-value groups put their keys into the name too: ..._tenant_entity_type_<metric>.
            if (line.startsWith("flink_taskmanager_job_task_operator_")
                    && line.contains("_" + metric + "{")
                    && tenant.reset(line).find()) {
                tenants.add(tenant.group(1));
            }
        }
        return tenants;
    }

    /** The Prometheus endpoint's page; empty while the endpoint is not up. */
    private static String scrape(int port) throws IOException, InterruptedException {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build();
        try {
            HttpResponse<String> response =
                    HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : "";
        } catch (ConnectException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

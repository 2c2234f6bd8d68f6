package io.syncline.jobs.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.CliRun;
import io.syncline.jobs.Poll;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.jobs.wiring.Topics;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code syncline cleanup} against real PostgreSQL tables, and the topics' retention against a real
 * broker: rows older than their class's retention go, open errors, parked conflicts and firing
 * alerts stay however old, a dry run deletes nothing; topics are created with their retention and
 * an existing one gets it set.
 */
class CleanupCommandITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Logger LOG = LoggerFactory.getLogger(CleanupCommandITCase.class);
    private static final String DATABASE = "cleanup_cli";
    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

    @TempDir Path dir;

    private Path config;

    @BeforeEach
    void tablesWithOldAndNewRows() throws Exception {
        POSTGRES.createDatabase(DATABASE);
        config = writeConfig(POSTGRES.port());
        SynclineConfig loaded = ConfigLoader.load(config);
        List<String> ddl = new ArrayList<>();
        for (String table :
                List.of(
                        "syncline_errors",
                        "syncline_conflicts",
                        "quality_metrics",
                        "syncline_alerts",
                        "syncline_audit")) {
            ddl.add("DROP TABLE IF EXISTS " + table);
        }
        ddl.addAll(SyncJobFactory.errorsTableOf(loaded).createSql());
        ddl.addAll(SyncJobFactory.conflictsTableOf(loaded).createSql());
        ddl.addAll(SyncJobFactory.qualityMetricsTableOf(loaded).createSql());
        ddl.addAll(SyncJobFactory.alertsTableOf(loaded).createSql());
        ddl.addAll(SyncJobFactory.auditTableOf(loaded).createSql());
        POSTGRES.execute(DATABASE, ddl.toArray(String[]::new));
        POSTGRES.execute(
                DATABASE,
                // errors, 90d: handled ones older go; open ones stay however old.
                error("discarded-100d", "discarded", 100),
                error("replayed-100d", "replayed", 100),
                error("open-400d", "open", 400),
                error("discarded-80d", "discarded", 80),
                // conflicts, 1y: decided ones older go; parked ones stay.
                conflict("resolved-400d", "resolved", 400),
                conflict("open-400d", "open", 400),
                conflict("resolved-300d", "resolved", 300),
                // quality, 400d.
                quality("acme", 500),
                quality("globex", 10),
                // alerts, 1y: resolved ones older go; firing ones stay.
                alert("resolved-400d", "resolved", 400),
                alert("firing-400d", "firing", 400),
                // audit, 7y.
                audit("audit-8y", 8 * 365),
                audit("audit-2y", 2 * 365));
    }

    @Test
    void aDryRunCountsAndDeletesNothing() throws Exception {
        Map<String, List<String>> before = rows();

        CliRun run = CliRun.of("cleanup", "-c", config.toString(), "--dry-run");
        LOG.info("syncline cleanup --dry-run printed:\n{}{}", run.out(), run.err());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().findFirst().orElseThrow())
                .startsWith("dry run, nothing deleted: rows older than their retention in");
        assertThat(columns(run, "public.syncline_errors"))
                .startsWith("public.syncline_errors", "90d")
                .endsWith("2", "1 open");
        assertThat(run.out()).contains("WOULD DELETE").endsWith("6 rows would be deleted\n");
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void rowsOlderThanTheirRetentionGoAndWhatStillNeedsAPersonStays() throws Exception {
        CliRun run = CliRun.of("cleanup", "-c", config.toString(), "--batch", "1");
        LOG.info("syncline cleanup printed:\n{}{}", run.out(), run.err());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(columns(run, "public.syncline_errors"))
                .startsWith("public.syncline_errors", "90d")
                .endsWith("2", "1 open");
        assertThat(columns(run, "public.syncline_conflicts")).endsWith("1", "1 parked");
        assertThat(columns(run, "public.quality_metrics")).endsWith("1", "-");
        assertThat(columns(run, "public.syncline_alerts")).endsWith("1", "1 firing");
        assertThat(columns(run, "public.syncline_audit"))
                .startsWith("public.syncline_audit", "7y")
                .endsWith("1", "-");
        assertThat(run.out()).endsWith("6 rows deleted\n");

        assertThat(rows())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "syncline_errors", List.of("discarded-80d", "open-400d"),
                                "syncline_conflicts", List.of("open-400d", "resolved-300d"),
                                "quality_metrics", List.of("globex"),
                                "syncline_alerts", List.of("firing-400d"),
                                "syncline_audit", List.of("audit-2y")));
    }

    @Test
    void anUnreachableDatabaseExitsWith3() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        CliRun run = CliRun.of("cleanup", "-c", writeConfig(closedPort).toString());

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("cleanup at jdbc:postgresql://").contains("run it again");
    }

    @Test
    void topicsAreCreatedWithTheirRetentionAndAnExistingOneGetsItSet() throws Exception {
        KAFKA.createTopic("cleanup.changes", 1);
        SynclineConfig loaded = ConfigLoader.load(config);

        List<Topics.Change> changes = Topics.prepare(loaded);

        String sevenYears = Long.toString(7 * 365 * DAY_MILLIS);
        assertThat(changes)
                .singleElement()
                .satisfies(
                        change -> {
                            assertThat(change.topic()).isEqualTo("cleanup.changes");
                            assertThat(change.config()).isEqualTo("retention.ms");
                            assertThat(change.to()).isEqualTo(sevenYears);
                            assertThat(change.setting())
                                    .isEqualTo("security.retention.changes: 7y");
                        });
        // The broker applies an altered config a moment after the controller accepted it.
        Poll.until(
                Duration.ofSeconds(30),
                "the broker to apply the change topic's retention",
                () ->
                        describe("cleanup.changes")
                                .get("cleanup.changes")
                                .get("retention.ms")
                                .value()
                                .equals(sevenYears));
        Map<String, Config> configs =
                describe(
                        "cleanup.changes",
                        "cleanup.errors",
                        "cleanup.conflicts",
                        "cleanup.quality",
                        "cleanup.alerts",
                        "cleanup.audit",
                        "cleanup.events");
        assertThat(retentionMillis(configs))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "cleanup.changes", sevenYears,
                                "cleanup.errors", Long.toString(90 * DAY_MILLIS),
                                "cleanup.conflicts", Long.toString(365 * DAY_MILLIS),
                                "cleanup.quality", Long.toString(400 * DAY_MILLIS),
                                "cleanup.alerts", Long.toString(365 * DAY_MILLIS),
                                "cleanup.audit", sevenYears,
                                "cleanup.events", Long.toString(10 * 365 * DAY_MILLIS)));
        assertThat(configs.get("cleanup.audit").get("cleanup.policy").value())
                .isEqualTo("compact,delete");
        assertThat(configs.get("cleanup.changes").get("cleanup.policy").value())
                .isEqualTo("delete");

        assertThat(Topics.prepare(loaded)).as("a second start changes nothing").isEmpty();
    }

    /** The table row of {@code table} in the printed report, split into its columns. */
    private static List<String> columns(CliRun run, String table) {
        return run.out()
                .lines()
                .filter(line -> line.startsWith(table + " "))
                .findFirst()
                .map(line -> List.of(line.split("\\s{2,}")))
                .orElseThrow(() -> new AssertionError("no row of " + table + " in " + run.out()));
    }

    /** The id of each row left, per table. */
    private static Map<String, List<String>> rows() throws Exception {
        Map<String, String> idColumns =
                Map.of(
                        "syncline_errors", "error_id",
                        "syncline_conflicts", "conflict_id",
                        "quality_metrics", "tenant",
                        "syncline_alerts", "alert_id",
                        "syncline_audit", "audit_id");
        Map<String, List<String>> rows = new HashMap<>();
        try (Connection connection = POSTGRES.connect(DATABASE);
                Statement statement = connection.createStatement()) {
            for (Map.Entry<String, String> table : idColumns.entrySet()) {
                List<String> ids = new ArrayList<>();
                try (ResultSet result =
                        statement.executeQuery(
                                "SELECT "
                                        + table.getValue()
                                        + " FROM "
                                        + table.getKey()
                                        + " ORDER BY 1")) {
                    while (result.next()) {
                        ids.add(result.getString(1));
                    }
                }
                rows.put(table.getKey(), ids);
            }
        }
        return rows;
    }

    private static Map<String, Config> describe(String... topics) throws Exception {
        Properties properties = new Properties();
        properties.setProperty(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.server().bootstrapServers());
        try (Admin admin = Admin.create(properties)) {
            List<ConfigResource> resources =
                    List.of(topics).stream()
                            .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
                            .toList();
            return admin
                    .describeConfigs(resources)
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .entrySet()
                    .stream()
                    .collect(Collectors.toMap(e -> e.getKey().name(), Map.Entry::getValue));
        }
    }

    private static Map<String, String> retentionMillis(Map<String, Config> configs) {
        return configs.entrySet().stream()
                .collect(
                        Collectors.toMap(
                                Map.Entry::getKey, e -> e.getValue().get("retention.ms").value()));
    }

    private static String ago(int days) {
        return "now() - interval '" + days + " days'";
    }

    private static String error(String id, String status, int days) {
        return "INSERT INTO syncline_errors (error_id, stage, error_class, code, escalation_level,"
                + " message, payload, error_time, status, status_changed_at) VALUES ('"
                + id
                + "', 'validate', 'PERMANENT', 'RULE_RANGE', 2, 'm', 'p', "
                + ago(days + 1)
                + ", '"
                + status
                + "', "
                + ago(days)
                + ")";
    }

    private static String conflict(String id, String status, int days) {
        return "INSERT INTO syncline_conflicts (conflict_id, tenant, entity_type, entity_id,"
                + " strategy, status, outcome, left_event, right_event, left_source,"
                + " right_source, detected_at, decided_at, left_change, right_change) VALUES ('"
                + id
                + "', 'acme', 'customer', '1', 'manual', '"
                + status
                + "', 'PARKED', '{}', '{}', 'crm', 'erp', "
                + ago(days + 1)
                + ", "
                + (status.equals("open") ? "NULL" : ago(days))
                + ", '', '')";
    }

    private static String quality(String tenant, int days) {
        return "INSERT INTO quality_metrics (tenant, entity_type, window_kind, window_start,"
                + " window_end, sync_class, latency_target_ms, validated, rejected, corrected,"
                + " failed, duplicates, conflicts, delivered, read_back_sampled) VALUES ('"
                + tenant
                + "', 'customer', 'tumbling', "
                + ago(days + 1)
                + ", "
                + ago(days)
                + ", 'standard', 60000, 1, 0, 0, 0, 0, 0, 1, 0)";
    }

    private static String alert(String id, String status, int days) {
        return "INSERT INTO syncline_alerts (alert_id, condition, kind, severity, status, metric,"
                + " value, threshold, message, fired_at, resolved_at) VALUES ('"
                + id
                + "', 'c-"
                + id
                + "', 'error-rate', 'warning', '"
                + status
                + "', 'error_rate', 0.2, 0.1, 'm', "
                + ago(days + 1)
                + ", "
                + (status.equals("firing") ? "NULL" : ago(days))
                + ")";
    }

    private static String audit(String id, int days) {
        return "INSERT INTO syncline_audit (audit_id, kind, audit_time, sinks) VALUES ('"
                + id
                + "', 'CHANGE', "
                + ago(days)
                + ", '{}')";
    }

    private Path writeConfig(int postgresPort) throws Exception {
        Path file = dir.resolve("syncline-" + postgresPort + ".yaml");
        Files.writeString(
                file,
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
                    bootstrapServers: %s
                    changeTopic: cleanup.changes
                    errorTopic: cleanup.errors
                    controlTopic: cleanup.control
                    conflictTopic: cleanup.conflicts
                    qualityTopic: cleanup.quality
                    alertTopic: cleanup.alerts
                    auditTopic: cleanup.audit
                    eventTopic: cleanup.events
                  target:
                    url: jdbc:postgresql://%s:%d/%s
                    username: %s
                    password: %s
                eventStore:
                  retention: 10y
                """
                        .formatted(
                                KAFKA.server().bootstrapServers(),
                                POSTGRES.host(),
                                postgresPort,
                                DATABASE,
                                POSTGRES.username(),
                                POSTGRES.password()));
        return file;
    }
}

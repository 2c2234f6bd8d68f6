package io.syncline.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.CliRun;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.control.ControlTopicPublisher;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.control.ControlCommands;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ControlCommandType;
import io.syncline.schema.ResyncRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code syncline reconcile} against real PostgreSQL: a source with three entity types (a composite
 * key with the tenant in it, a text key, a table of one constant tenant) for several tenants, and a
 * target filled as Syncline fills it, then drifted. The reconciliation must find exactly the
 * injected differences, with the differing columns named, in its console output, its JSON file, its
 * report tables and the quality metrics.
 */
class ReconcileITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final String SOURCE_DB = "reconcile_source";
    private static final String TARGET_DB = "reconcile_target";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileITCase.class);

    @TempDir Path directory;

    private String suffix;
    private String schema;
    private Path config;

    @BeforeAll
    static void createDatabases() {
        POSTGRES.createDatabase(SOURCE_DB);
        POSTGRES.createDatabase(TARGET_DB);
    }

    /** Fresh source tables and target schema per test: the server is shared within the JVM. */
    @BeforeEach
    void createTables(TestInfo test) throws IOException {
        suffix = test.getTestMethod().orElseThrow().getName().toLowerCase();
        suffix = suffix.substring(0, Math.min(20, suffix.length()));
        schema = "rc_" + suffix;
        POSTGRES.execute(TARGET_DB, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        POSTGRES.execute(TARGET_DB, "CREATE SCHEMA " + schema);
        for (String[] table : tables()) {
            POSTGRES.execute(SOURCE_DB, "DROP TABLE IF EXISTS " + table[0]);
            POSTGRES.execute(SOURCE_DB, "CREATE TABLE " + table[0] + " (" + table[1] + ")");
            POSTGRES.execute(SOURCE_DB, "INSERT INTO " + table[0] + " " + table[2]);
            // As Syncline creates and fills it: the same columns plus version and tombstone.
            String target = schema + "." + table[0];
            POSTGRES.execute(
                    TARGET_DB,
                    "CREATE TABLE "
                            + target
                            + " ("
                            + table[1].replace(
                                    ", PRIMARY KEY",
                                    ", _syncline_version BIGINT NOT"
                                            + " NULL, _syncline_deleted BOOLEAN NOT NULL DEFAULT FALSE,"
                                            + " PRIMARY KEY")
                            + ")",
                    "INSERT INTO " + target + " SELECT s.*, 1, FALSE FROM (" + table[2] + ") s");
        }
        config = writeConfig(POSTGRES.port());
    }

    /** Each table: name, columns, the query filling it (the same in source and target). */
    private String[][] tables() {
        return new String[][] {
            {
                "customers_" + suffix,
                "tenant_id text NOT NULL, id integer NOT NULL, name text, email text,"
                        + " balance numeric(12,2), updated_at timestamptz, PRIMARY KEY (tenant_id,"
                        + " id)",
                "SELECT t, i, 'name ' || i, i || '@' || t || '.example', (i * 1.25)::numeric(12,2),"
                        + " timestamptz '2024-05-01 00:00:00+00' + i * interval '1 minute' FROM"
                        + " unnest(ARRAY['acme','globex','initech']) t, generate_series(1, 1000) i"
            },
            {
                "contracts_" + suffix,
                "code text NOT NULL, tenant text NOT NULL, amount double precision, signed date,"
                        + " PRIMARY KEY (code)",
                "SELECT 'C-' || t || '-' || lpad(i::text, 5, '0'), t, i / 3.0, date '2024-01-01'"
                        + " + i FROM unnest(ARRAY['acme','globex','initech']) t,"
                        + " generate_series(1, 500) i"
            },
            {
                "accounts_" + suffix,
                "id bigint NOT NULL, owner text, balance numeric(14,2), PRIMARY KEY (id)",
                "SELECT i, 'owner ' || (i % 17), i * 10 FROM generate_series(1, 700) i"
            }
        };
    }

    @Test
    void findsExactlyTheInjectedDriftAndReportsItEverywhere() throws Exception {
        String customers = schema + ".customers_" + suffix;
        String contracts = schema + ".contracts_" + suffix;
        String accounts = schema + ".accounts_" + suffix;
        POSTGRES.execute(
                TARGET_DB,
                // missing: deleted from the target, or only a tombstone left
                "DELETE FROM " + customers + " WHERE tenant_id = 'acme' AND id IN (5, 500)",
                "UPDATE "
                        + customers
                        + " SET _syncline_deleted = TRUE WHERE tenant_id = 'globex'"
                        + " AND id = 9",
                "DELETE FROM " + contracts + " WHERE code = 'C-acme-00010'",
                // extra: live rows the source does not have, one of a tenant the source lacks
                "INSERT INTO "
                        + customers
                        + " VALUES ('globex', 5000, 'ghost', NULL, 0, NULL, 7,"
                        + " FALSE)",
                "INSERT INTO "
                        + customers
                        + " VALUES ('umbrella', 1, 'stray', NULL, 0, NULL, 7,"
                        + " FALSE)",
                "INSERT INTO "
                        + contracts
                        + " VALUES ('C-globex-99999', 'globex', 1, NULL, 3,"
                        + " FALSE)",
                // a tombstone of a row the source deleted is no difference
                "INSERT INTO "
                        + customers
                        + " VALUES ('initech', 7777, 'gone', NULL, 0, NULL, 9,"
                        + " TRUE)",
                // differing columns
                "UPDATE "
                        + customers
                        + " SET name = 'Renamed' WHERE tenant_id = 'initech' AND"
                        + " id = 7",
                "UPDATE "
                        + customers
                        + " SET email = NULL, balance = 0 WHERE tenant_id = 'acme'"
                        + " AND id = 8",
                "UPDATE "
                        + customers
                        + " SET updated_at = updated_at + interval '1 microsecond'"
                        + " WHERE tenant_id = 'globex' AND id = 1000",
                "UPDATE " + contracts + " SET signed = signed + 1 WHERE code = 'C-initech-00020'",
                "UPDATE " + accounts + " SET balance = balance + 0.01 WHERE id = 3");
        Set<String> injected =
                Set.of(
                        "acme|customer|acme/5|missing|",
                        "acme|customer|acme/500|missing|",
                        "globex|customer|globex/9|missing|",
                        "acme|contract|C-acme-00010|missing|",
                        "globex|customer|globex/5000|extra|",
                        "umbrella|customer|umbrella/1|extra|",
                        "globex|contract|C-globex-99999|extra|",
                        "initech|customer|initech/7|differing|name",
                        "acme|customer|acme/8|differing|email,balance",
                        "globex|customer|globex/1000|differing|updated_at",
                        "initech|contract|C-initech-00020|differing|signed",
                        "initech|account|3|differing|balance");
        Path json = directory.resolve("report.json");

        CliRun run =
                CliRun.of(
                        "reconcile",
                        "--config",
                        config.toString(),
                        "--settle",
                        "0",
                        "--json",
                        json.toString(),
                        "--range-rows",
                        "200",
                        "--leaf-rows",
                        "16");

        LOG.info("syncline reconcile printed:\n{}{}", run.err(), run.out());
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        JsonNode report = JSON.readTree(json.toFile());
        Set<String> found = new HashSet<>();
        for (JsonNode entity : report.get("entities")) {
            for (JsonNode difference : entity.get("differences")) {
                List<String> columns = new ArrayList<>();
                difference.get("columns").forEach(c -> columns.add(c.asText()));
                found.add(
                        String.join(
                                "|",
                                entity.get("tenant").asText(),
                                entity.get("entityType").asText(),
                                difference.get("entityId").asText(),
                                difference.get("kind").asText(),
                                String.join(",", columns)));
            }
        }
        // precision = recall = 1
        assertThat(found).isEqualTo(injected);
        String runId = report.get("runId").asText();
        assertThat(differencesTable(runId)).isEqualTo(injected);
        assertThat(run.out())
                .containsPattern("initech\\s+customer\\s+initech/7\\s+differing\\s+name")
                .contains("12 differences");
        assertThat(run.out().lines().filter(l -> l.startsWith("acme ") && l.contains("customer")))
                .first()
                .asString()
                .matches("acme\\s+customer\\s+1000\\s+998\\s+2\\s+0\\s+1\\s+99\\.70%");
        assertThat(run.err()).contains("reconcile: 10,399 of 10,399 rows (100%)");

        // acme's customers: 1000 compared, 2 missing and 1 differing.
        assertThat(runsRow(runId, "acme", "customer"))
                .containsExactly("1000", "998", "2", "0", "1", "0.997");
        assertThat(qualityConsistency("acme", "customer")).isEqualTo(List.of("0.997", "1000"));
        assertThat(qualityConsistency("umbrella", "customer")).isEqualTo(List.of("0", "1"));
        assertThat(qualityConsistency("initech", "account"))
                .isEqualTo(List.of(Double.toString(699 / 700.0), "700"));

        // syncline report reads the reconciliation's consistency like any window's.
        SynclineConfig loaded = ConfigLoader.load(config);
        POSTGRES.execute(
                TARGET_DB, SyncJobFactory.errorsTableOf(loaded).createSql().toArray(String[]::new));
        POSTGRES.execute(
                TARGET_DB, SyncJobFactory.alertsTableOf(loaded).createSql().toArray(String[]::new));
        CliRun reportRun =
                CliRun.of(
                        "report",
                        "--config",
                        config.toString(),
                        "--date",
                        report.get("startedAt").asText().substring(0, 10),
                        "--out",
                        directory.toString());
        assertThat(reportRun.exitCode()).as(reportRun.err()).isZero();
        assertThat(reportRun.out())
                .containsPattern("acme/customer: \\w+, 1 window, .*consistency 99\\.70%");
    }

    @Test
    void identicalTablesReportNoDifferenceWithExitCodeZero() throws Exception {
        Path json = directory.resolve("same.json");

        CliRun run =
                CliRun.of(
                        "reconcile",
                        "--config",
                        config.toString(),
                        "--json",
                        json.toString(),
                        "--range-rows",
                        "300");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("no differences");
        JsonNode report = JSON.readTree(json.toFile());
        assertThat(report.get("differences").asLong()).isZero();
        // 3 tenants x 2 entity types, and the constant tenant's accounts
        assertThat(report.get("entities")).hasSize(7);
        for (JsonNode entity : report.get("entities")) {
            assertThat(entity.get("consistency").asDouble()).isEqualTo(1.0);
            assertThat(entity.get("sourceRows")).isEqualTo(entity.get("targetRows"));
        }
        assertThat(differencesTable(report.get("runId").asText())).isEmpty();
        assertThat(run.out())
                .contains("hashed again in differing ranges")
                .contains(" 0 hashed again");
    }

    @Test
    void onlyDifferencesThatPersistTheSettleDelayTheSameWayAreReported() throws Exception {
        String customers = schema + ".customers_" + suffix;
        POSTGRES.execute(
                TARGET_DB,
                "UPDATE "
                        + customers
                        + " SET _syncline_deleted = TRUE WHERE tenant_id = 'acme'"
                        + " AND id IN (1, 2)",
                "UPDATE "
                        + customers
                        + " SET name = 'in flight' WHERE tenant_id IN ('globex',"
                        + " 'initech') AND id = 3");
        SynclineConfig loaded = ConfigLoader.load(config);
        List<Duration> settled = new ArrayList<>();
        // While the reconciliation settles, the sync job delivers acme/1 and globex/3, and
        // deletes initech/3 (a differing row turned missing: not the same difference).
        Reconciliation reconciliation =
                new Reconciliation(
                        loaded,
                        new Reconciliation.Scope(Set.of(), Set.of("customer")),
                        ReconcileSettings.DEFAULTS.withSettle(Duration.ofSeconds(5)),
                        duration -> {
                            settled.add(duration);
                            POSTGRES.execute(
                                    TARGET_DB,
                                    "UPDATE "
                                            + customers
                                            + " SET _syncline_deleted = FALSE"
                                            + " WHERE tenant_id = 'acme' AND id = 1",
                                    "UPDATE "
                                            + customers
                                            + " SET name = 'name 3' WHERE"
                                            + " tenant_id = 'globex' AND id = 3",
                                    "UPDATE "
                                            + customers
                                            + " SET _syncline_deleted = TRUE"
                                            + " WHERE tenant_id = 'initech' AND id = 3");
                        },
                        Clock.systemUTC(),
                        line -> {},
                        Duration.ofSeconds(1));

        ReconcileRun run = reconciliation.run();

        assertThat(settled).containsExactly(Duration.ofSeconds(5));
        assertThat(run.units())
                .extracting(UnitResult::tenant)
                .containsExactly("acme", "globex", "initech");
        assertThat(run.units().get(0).differences())
                .containsExactly(
                        new Difference(List.of("acme", "2"), Difference.Kind.MISSING, List.of()));
        assertThat(run.units().get(1).differences()).isEmpty();
        assertThat(run.units().get(2).differences()).isEmpty();
    }

    @Test
    void repairPublishesOneResyncRequestPerTenantAndEntityTypeWithEveryDifferingId()
            throws Exception {
        String customers = schema + ".customers_" + suffix;
        POSTGRES.execute(
                TARGET_DB,
                "DELETE FROM " + customers + " WHERE tenant_id = 'acme' AND id = 10",
                "UPDATE " + customers + " SET email = 'x' WHERE tenant_id = 'acme' AND id = 11",
                "INSERT INTO "
                        + customers
                        + " VALUES ('globex', 5000, 'ghost', NULL, 0, NULL, 7,"
                        + " FALSE)");
        SynclineConfig loaded = ConfigLoader.load(config);
        ControlTopicPublisher.ensureTopic(loaded.sinks().kafka());

        CliRun run =
                CliRun.of(
                        "reconcile",
                        "--config",
                        config.toString(),
                        "--settle",
                        "0",
                        "--json",
                        directory.resolve("repair.json").toString(),
                        "--repair",
                        "--repair-timeout",
                        "1s");

        // No sync job runs here: the requests stay unserved, the differences unrepaired.
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("published 2 re-sync request(s) for 3 differences");
        assertThat(run.err())
                .contains("the repair was not confirmed")
                .contains("was not taken by a sync job within");
        List<ResyncRequest> requests = new ArrayList<>();
        for (ControlCommand command : controlCommands(loaded.sinks().kafka().controlTopic())) {
            assertThat(command.getType()).isEqualTo(ControlCommandType.RESYNC);
            requests.add(command.getResync());
        }
        assertThat(requests)
                .extracting(r -> r.getTenant() + "/" + r.getEntityType() + " " + r.getIds())
                .containsExactly(
                        "acme/customer [acme/10, acme/11]", "globex/customer [globex/5000]");
    }

    /** Everything committed on {@code topic}; its end offset says how much there is. */
    private static List<ControlCommand> controlCommands(String topic) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            List<ControlCommand> commands = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (commands.size() < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200))
                        .forEach(r -> commands.add(ControlCommands.decode(r.value())));
            }
            assertThat(commands).as("commands on " + topic).hasSize((int) end);
            return commands;
        }
    }

    @Test
    void anUnreachableSourceNamesTheDatabaseAndTheSettingsToCheck() throws Exception {
        Path unreachable =
                Files.writeString(
                        directory.resolve("unreachable.yaml"),
                        Files.readString(config).replace("port: " + POSTGRES.port(), "port: 1"));

        CliRun run = CliRun.of("reconcile", "--config", unreachable.toString());

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err())
                .contains("localhost:1/" + SOURCE_DB)
                .contains("check sources[crm] hostname, port, database, username and password");
    }

    @Test
    void aMissingTargetTableIsNamedWithWhatCreatesIt() {
        POSTGRES.execute(TARGET_DB, "DROP TABLE " + schema + ".accounts_" + suffix);

        CliRun run = CliRun.of("reconcile", "--config", config.toString());

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err())
                .contains("the target table \"" + schema + "\".\"accounts_" + suffix + "\"")
                .contains("does not exist at " + POSTGRES.jdbcUrl(TARGET_DB))
                .contains("sinks.target.createTables");
    }

    @Test
    void badOptionsAreAUsageError() {
        CliRun run = CliRun.of("reconcile", "--config", config.toString(), "--parallelism", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("parallelism must be at least 1");

        CliRun unmapped =
                CliRun.of("reconcile", "--config", config.toString(), "--entity", "invoice");

        assertThat(unmapped.exitCode()).isEqualTo(2);
        assertThat(unmapped.err())
                .contains("--entity 'invoice' is not mapped")
                .contains("[account, contract, customer]");
    }

    private Set<String> differencesTable(String runId) throws SQLException {
        Set<String> rows = new HashSet<>();
        try (Connection connection = POSTGRES.connect(TARGET_DB);
                Statement statement = connection.createStatement();
                ResultSet row =
                        statement.executeQuery(
                                "SELECT tenant, entity_type, entity_id, kind, columns FROM "
                                        + schema
                                        + ".syncline_reconciliation_differences WHERE run_id = '"
                                        + runId
                                        + "'")) {
            while (row.next()) {
                Array columns = row.getArray(5);
                rows.add(
                        String.join(
                                "|",
                                row.getString(1),
                                row.getString(2),
                                row.getString(3),
                                row.getString(4),
                                String.join(",", Arrays.asList((String[]) columns.getArray()))));
            }
        }
        return rows;
    }

    private List<String> runsRow(String runId, String tenant, String entityType)
            throws SQLException {
        return queryRow(
                "SELECT source_rows, target_rows, missing, extra, differing, consistency FROM "
                        + schema
                        + ".syncline_reconciliations WHERE run_id = '"
                        + runId
                        + "' AND tenant = '"
                        + tenant
                        + "' AND entity_type = '"
                        + entityType
                        + "'");
    }

    private List<String> qualityConsistency(String tenant, String entityType) throws SQLException {
        return queryRow(
                "SELECT consistency, read_back_sampled FROM "
                        + schema
                        + ".quality_metrics WHERE window_kind = 'reconcile' AND tenant = '"
                        + tenant
                        + "' AND entity_type = '"
                        + entityType
                        + "'");
    }

    private static List<String> queryRow(String sql) throws SQLException {
        try (Connection connection = POSTGRES.connect(TARGET_DB);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            assertThat(row.next()).as("a row of " + sql).isTrue();
            List<String> values = new ArrayList<>();
            for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
                values.add(row.getString(i));
            }
            assertThat(row.next()).as("one row of " + sql).isFalse();
            return values;
        }
    }

    private Path writeConfig(int port) throws IOException {
        return Files.writeString(
                directory.resolve("syncline.yaml"),
                """
                sources:
                  - id: crm
                    hostname: localhost
                    port: %d
                    database: %s
                    username: %s
                    password: %s
                    tables:
                      - table: public.customers_%s
                        entityType: customer
                        tenantColumn: tenant_id
                      - table: public.contracts_%s
                        entityType: contract
                        tenantColumn: tenant
                      - table: public.accounts_%s
                        entityType: account
                        tenant: initech
                sinks:
                  kafka:
                    bootstrapServers: %s
                    controlTopic: reconcile.%s
                  target:
                    url: %s
                    username: %s
                    password: %s
                    schema: %s
                """
                        .formatted(
                                port,
                                SOURCE_DB,
                                POSTGRES.username(),
                                POSTGRES.password(),
                                suffix,
                                suffix,
                                suffix,
                                KAFKA.bootstrapServers(),
                                suffix,
                                POSTGRES.jdbcUrl(TARGET_DB),
                                POSTGRES.username(),
                                POSTGRES.password(),
                                schema));
    }
}

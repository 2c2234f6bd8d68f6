package io.syncline.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.operators.alert.AlertThresholds;
import io.syncline.operators.alert.notify.Channel;
import io.syncline.operators.alert.notify.EmailSettings;
import io.syncline.operators.alert.notify.NotifierRouting;
import io.syncline.operators.alert.notify.NotifierSettings;
import io.syncline.operators.alert.notify.PagerDutySettings;
import io.syncline.operators.alert.notify.SlackSettings;
import io.syncline.operators.alert.notify.SmsSettings;
import io.syncline.operators.protect.Classification;
import io.syncline.operators.protect.DataClass;
import io.syncline.operators.protect.FieldProtection;
import io.syncline.operators.quality.LatencyTargets;
import io.syncline.operators.quality.QualityWindows;
import io.syncline.operators.quality.SyncClass;
import io.syncline.operators.resolve.ConflictPolicy;
import io.syncline.operators.resolve.ConflictStrategy;
import io.syncline.operators.resolve.FieldPolicy;
import io.syncline.operators.resolve.examples.HighestValueWins;
import io.syncline.operators.retry.CircuitBreakerSettings;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.schema.AlertSeverity;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

    private static final Path EXAMPLE = Path.of("..", "deploy", "config", "syncline.yaml");

    private static final Map<String, String> EXAMPLE_ENVIRONMENT =
            Map.of("CRM_DB_PASSWORD", "crm-secret", "TARGET_DB_PASSWORD", "target-secret");

    /** A valid configuration; tests append or replace parts of it. */
    private static final String VALID =
            """
            sources:
              - id: crm
                hostname: db.internal
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
                url: jdbc:postgresql://localhost:5432/warehouse
                username: syncline
            """;

    @TempDir Path directory;

    @Test
    void loadsTheExampleWithTheValuesAsWritten() {
        assertThat(EXAMPLE).as("the example configuration, from the jobs module").exists();

        SynclineConfig config = ConfigLoader.load(EXAMPLE, EXAMPLE_ENVIRONMENT::get);

        assertThat(config.file()).isEqualTo(EXAMPLE);
        assertThat(config.job()).isEqualTo(new JobSettings("syncline-crm", 2));
        assertThat(config.checkpoints())
                .isEqualTo(
                        new CheckpointSettings(
                                Duration.ofSeconds(5),
                                Duration.ofMinutes(10),
                                Duration.ofSeconds(1),
                                "file:///var/lib/syncline/checkpoints"));
        assertThat(config.restart())
                .isEqualTo(
                        new RestartSettings(
                                Duration.ofSeconds(1),
                                Duration.ofMinutes(1),
                                2.0,
                                Duration.ofMinutes(10),
                                0.1));
        assertThat(config.tenants()).containsExactly("acme", "globex", "initech");
        assertThat(config.sources())
                .containsExactly(
                        new SourceConfig(
                                "crm",
                                "postgres",
                                "localhost",
                                5432,
                                "crm",
                                "syncline",
                                "crm-secret",
                                "syncline_crm",
                                "syncline_crm",
                                "initial",
                                List.of(
                                        new TableMapping(
                                                "public.customers",
                                                "customer",
                                                List.of(),
                                                "tenant_id",
                                                null,
                                                "customers"),
                                        new TableMapping(
                                                "public.contracts",
                                                "contract",
                                                List.of("id"),
                                                "tenant_id",
                                                null,
                                                "contracts")),
                                0,
                                false));
        assertThat(config.sinks().kafka())
                .isEqualTo(
                        new KafkaSinkSettings(
                                "localhost:9092",
                                "syncline.changes",
                                "syncline.errors",
                                "syncline.control",
                                "syncline-crm",
                                Duration.ofMinutes(5),
                                Map.of("compression.type", "lz4"),
                                "syncline.conflicts",
                                "syncline.quality",
                                "syncline.alerts",
                                "syncline.audit",
                                "syncline.events"));
        assertThat(config.sinks().target())
                .isEqualTo(
                        new TargetSettings(
                                "jdbc:postgresql://localhost:5432/warehouse",
                                "syncline",
                                "target-secret",
                                "public",
                                true,
                                500,
                                Duration.ofMillis(200),
                                RetryPolicy.ofRetries(
                                        5,
                                        Duration.ofMillis(200),
                                        Duration.ofSeconds(10),
                                        2.0,
                                        0.1),
                                "syncline_errors",
                                "syncline_conflicts",
                                "quality_metrics",
                                "syncline_alerts",
                                new CircuitBreakerSettings(Duration.ofSeconds(30), 10),
                                "syncline_audit"));
        assertThat(config.validation().rules().getVersion()).isEqualTo(1);
        assertThat(config.validation().rules().getFiles()).containsOnlyKeys("customer.schema.json");
        assertThat(config.validation().maxParentWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.validation().maxWaitingChildren()).isEqualTo(10_000);
        assertThat(config.validation().escalation())
                .containsExactly(entry("RI_PARENT_HAS_CHILDREN", 3));
        ConsistencySettings consistency = config.consistency();
        assertThat(consistency.dedupTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(consistency.maxOutOfOrder()).isEqualTo(Duration.ZERO);
        assertThat(consistency.maxPendingPerEntity()).isEqualTo(1000);
        assertThat(consistency.maxParkedPerEntity()).isEqualTo(100);
        assertThat(consistency.entities()).containsOnlyKeys("customer", "contract");
        ConflictPolicy customer = consistency.policyOf("customer");
        assertThat(customer.strategy()).isEqualTo(ConflictStrategy.VECTOR_CLOCK);
        assertThat(customer.fallback()).isEqualTo(ConflictStrategy.Fallback.FIELD_MERGE);
        assertThat(((HighestValueWins) customer.fields().get("credit_limit").resolver()).field())
                .isEqualTo("credit_limit");
        assertThat(consistency.policyOf("contract").strategy()).isEqualTo(ConflictStrategy.MANUAL);
    }

    @Test
    void withoutValidationEveryChangePassesWithDefaultBounds() {
        SynclineConfig config = load(VALID);

        assertThat(config.validation().rules()).isNull();
        assertThat(config.validation().maxParentWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.validation().maxWaitingChildren()).isEqualTo(10_000);
        assertThat(config.validation().escalation()).isEmpty();
    }

    @Test
    void aRuleFileThatDoesNotCompileIsReportedAtValidationRules() throws IOException {
        Files.writeString(
                directory.resolve("rules.yaml"),
                "version: 2\nentities:\n  customer:\n    level: picky\n    rules:\n"
                        + "      - {type: range, field: age, min: 10, max: 5}\n");

        ConfigException e =
                catchConfigException(() -> load(VALID + "validation:\n  rules: rules.yaml\n"));

        assertThat(e.problems()).extracting(ConfigProblem::path).containsOnly("validation.rules");
        assertThat(e.getMessage())
                .contains("entities.customer.level: 'picky' is not a level")
                .contains("entities.customer.rules[0]: min (10) is greater than max (5)");
    }

    @Test
    void aMissingRuleFileAndABadEscalationLevelAreReported() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID
                                                + "validation:\n  rules: missing.yaml\n"
                                                + "  escalation: {RULE_RANGE: 5}\n"));

        assertThat(problemAt(e, "validation.rules")).contains("missing.yaml does not exist");
        assertThat(problemAt(e, "validation.escalation.RULE_RANGE"))
                .contains("'5' is not an escalation level");
    }

    @Test
    void environmentOverridesTheDefaultsOfTheExample() {
        Map<String, String> environment =
                Map.of(
                        "CRM_DB_HOST", "crm-db.internal",
                        "CRM_DB_PASSWORD", "crm-secret",
                        "KAFKA_BOOTSTRAP", "kafka-1:9092,kafka-2:9092",
                        "TARGET_DB_HOST", "warehouse.internal",
                        "TARGET_DB_PASSWORD", "target-secret");

        SynclineConfig config = ConfigLoader.load(EXAMPLE, environment::get);

        assertThat(config.sources().get(0).hostname()).isEqualTo("crm-db.internal");
        assertThat(config.sinks().kafka().bootstrapServers())
                .isEqualTo("kafka-1:9092,kafka-2:9092");
        assertThat(config.sinks().target().url())
                .isEqualTo("jdbc:postgresql://warehouse.internal:5432/warehouse");
    }

    @Test
    void minimalConfigurationGetsTheDefaults() throws URISyntaxException {
        Path minimal =
                Path.of(
                        Objects.requireNonNull(getClass().getResource("/config/minimal.yaml"))
                                .toURI());

        SynclineConfig config = ConfigLoader.load(minimal, name -> null);

        assertThat(config.job()).isEqualTo(new JobSettings("syncline", 1));
        String tmp =
                Path.of(System.getProperty("java.io.tmpdir"))
                        .toAbsolutePath()
                        .normalize()
                        .toString();
        assertThat(config.checkpoints())
                .isEqualTo(
                        new CheckpointSettings(
                                Duration.ofSeconds(10),
                                Duration.ofMinutes(10),
                                Duration.ZERO,
                                "file://" + tmp + "/syncline/checkpoints"));
        assertThat(config.restart())
                .isEqualTo(
                        new RestartSettings(
                                Duration.ofSeconds(1),
                                Duration.ofMinutes(1),
                                2.0,
                                Duration.ofHours(1),
                                0.1));
        assertThat(config.tenants()).isEmpty();
        assertThat(config.sources())
                .containsExactly(
                        new SourceConfig(
                                "crm",
                                "postgres",
                                "db.internal",
                                5432,
                                "crm",
                                "syncline",
                                "",
                                "syncline_crm",
                                "syncline_crm",
                                "initial",
                                List.of(
                                        new TableMapping(
                                                "customers",
                                                "customer",
                                                List.of(),
                                                "tenant_id",
                                                null,
                                                "customers")),
                                0,
                                false));
        assertThat(config.sinks().kafka())
                .isEqualTo(
                        new KafkaSinkSettings(
                                "kafka-1:9092,kafka-2:9092",
                                "syncline.changes",
                                "syncline.errors",
                                "syncline.control",
                                "syncline",
                                Duration.ofMinutes(5),
                                Map.of(),
                                "syncline.conflicts",
                                "syncline.quality",
                                "syncline.alerts",
                                "syncline.audit",
                                "syncline.events"));
        assertThat(config.sinks().target())
                .isEqualTo(
                        new TargetSettings(
                                "jdbc:postgresql://warehouse.internal:5432/warehouse",
                                "syncline",
                                "",
                                "public",
                                true,
                                500,
                                Duration.ofMillis(200),
                                RetryPolicy.ofRetries(
                                        5,
                                        Duration.ofMillis(200),
                                        Duration.ofSeconds(10),
                                        2.0,
                                        0.1),
                                "syncline_errors",
                                "syncline_conflicts",
                                "quality_metrics",
                                "syncline_alerts",
                                new CircuitBreakerSettings(Duration.ofSeconds(30), 10),
                                "syncline_audit"));
    }

    @Test
    void transactionalIdPrefixDefaultsToTheJobName() {
        SynclineConfig config = load("job:\n  name: orders-sync\n" + VALID);

        assertThat(config.sinks().kafka().transactionalIdPrefix()).isEqualTo("orders-sync");
    }

    @Test
    void missingFileNamesTheFileAndTheFix() {
        Path missing = directory.resolve("nowhere.yaml");

        ConfigException e = catchConfigException(() -> ConfigLoader.load(missing, name -> null));

        assertThat(e.file()).isEqualTo(missing);
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0).path()).isEmpty();
        assertThat(e.getMessage())
                .startsWith(missing + ": the configuration file does not exist")
                .contains(missing.toAbsolutePath().toString())
                .contains("create it or pass --config with the right path")
                .contains("deploy/config/syncline.yaml");
    }

    @Test
    void directoryInsteadOfFileIsReported() {
        ConfigException e = catchConfigException(() -> ConfigLoader.load(directory, name -> null));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEmpty();
                            assertThat(p.message()).contains("is a directory").contains("--config");
                        });
    }

    @Test
    void badYamlNamesLineAndColumn() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        """
                                        job:
                                          name: syncline
                                           parallelism: 2
                                        """));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEmpty();
                            assertThat(p.message())
                                    .startsWith(
                                            "line 3, column 15: invalid YAML: mapping values are not allowed");
                        });
    }

    @Test
    void tabIndentationIsReportedAtItsLine() {
        ConfigException e = catchConfigException(() -> load("job:\n\tname: syncline\n"));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p ->
                                assertThat(p.message())
                                        .startsWith("line 2, column 1: invalid YAML:")
                                        .contains("TAB"));
    }

    @Test
    void emptyFileIsReported() {
        ConfigException e = catchConfigException(() -> load("# nothing yet\n"));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p ->
                                assertThat(p.message())
                                        .contains("the file is empty")
                                        .contains("deploy/config/syncline.yaml"));
    }

    @Test
    void unknownKeySuggestsTheClosestKnownKey() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID.replace(
                                                "bootstrapServers: localhost:9092",
                                                "bootstrapServers: localhost:9092\n"
                                                        + "    bootstrapServer: localhost:9093")));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("sinks.kafka.bootstrapServer");
                            assertThat(p.message())
                                    .isEqualTo(
                                            "unknown key 'bootstrapServer'; did you mean 'bootstrapServers'?"
                                                    + " Known keys: bootstrapServers, eventHubs, changeTopic, errorTopic,"
                                                    + " controlTopic, conflictTopic, qualityTopic,"
                                                    + " alertTopic, auditTopic, eventTopic, transactionalIdPrefix,"
                                                    + " transactionTimeout, properties, tls");
                        });
    }

    @Test
    void unknownKeysAreFoundAtEveryLevel() {
        String yaml =
                "chekpoints:\n  interval: 5s\n"
                        + VALID.replace("tenantColumn:", "tenant_column:")
                                .replace("    hostname:", "    host:");

        ConfigException e = catchConfigException(() -> load(yaml));

        assertThat(e.problems())
                .extracting(ConfigProblem::path)
                .contains("chekpoints", "sources[0].host", "sources[0].tables[0].tenant_column");
        assertThat(problemAt(e, "chekpoints")).contains("did you mean 'checkpoints'?");
        assertThat(problemAt(e, "sources[0].host")).contains("did you mean 'hostname'?");
        assertThat(problemAt(e, "sources[0].tables[0].tenant_column"))
                .contains("did you mean 'tenantColumn'?");
    }

    @Test
    void unknownKeyFarFromAllKnownKeysListsThemWithoutSuggestion() {
        ConfigException e = catchConfigException(() -> load("monitoring: true\n" + VALID));

        assertThat(problemAt(e, "monitoring"))
                .isEqualTo(
                        "unknown key 'monitoring'; Known keys: job, checkpoints, restart,"
                                + " tenants, sources, sinks, validation, consistency, alerts,"
                                + " observability, backfill, security, eventStore");
    }

    @ParameterizedTest
    @CsvSource({
        "500ms, PT0.5S",
        "5s, PT5S",
        "2m, PT2M",
        "1h, PT1H",
        "1d, PT24H",
        "PT5S, PT5S",
        "pt1m30s, PT1M30S",
        "0, PT0S"
    })
    void durationsInEveryAcceptedForm(String written, Duration expected) {
        SynclineConfig config = load("checkpoints:\n  minPause: " + written + "\n" + VALID);

        assertThat(config.checkpoints().minPause()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5 sec", "5", "1.5s", "-5s", "PT-5S", "soon"})
    void badDurationNamesTheValueAndTheAcceptedForms(String written) {
        ConfigException e =
                catchConfigException(
                        () -> load("checkpoints:\n  interval: '" + written + "'\n" + VALID));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("checkpoints.interval");
                            assertThat(p.message())
                                    .contains("'" + written + "'")
                                    .contains("500ms, 5s, 2m, 1h, 1d")
                                    .contains("PT5S");
                        });
    }

    @Test
    void unsetEnvironmentVariableNamesTheVariableAndTheLine() {
        String yaml =
                VALID.replace(
                        "username: syncline\n    tables", "username: ${CRM_USER}\n    tables");

        ConfigException e = catchConfigException(() -> load(yaml, Map.of()));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("sources[0].username");
                            assertThat(p.message())
                                    .startsWith(
                                            "line 5, column 15: environment variable CRM_USER is not set")
                                    .contains("${CRM_USER:-value}");
                        });
    }

    @Test
    void variablesAreReplacedInValuesOnlyAndKeepSpecialCharacters() {
        String yaml =
                "# ${NOT_A_SETTING} in a comment is left alone\n"
                        + VALID.replace(
                                        "username: syncline\n    tables",
                                        "username: syncline\n    password: ${PASSWORD}\n"
                                                + "    port: ${PORT:-6543}\n    tables")
                                .replace("database: crm", "database: ${DATABASE:-crm}");

        SynclineConfig config = load(yaml, Map.of("PASSWORD", "p#ss: 'word\" #x", "DATABASE", ""));

        SourceConfig source = config.sources().get(0);
        assertThat(source.password()).isEqualTo("p#ss: 'word\" #x");
        assertThat(source.port()).isEqualTo(6543);
        // As in a shell, the default also applies to a variable set to the empty string.
        assertThat(source.database()).isEqualTo("crm");
    }

    @Test
    void dollarDollarBraceIsALiteralPlaceholder() {
        SynclineConfig config =
                load(
                        VALID.replace(
                                "username: syncline\n    tables",
                                "username: syncline\n    password: a$${B}c\n    tables"));

        assertThat(config.sources().get(0).password()).isEqualTo("a${B}c");
    }

    @Test
    void valuesKeepTheirTextWhateverYamlWouldMakeOfThem() {
        String yaml =
                "tenants: [0123, 1.50, true]\n"
                        + VALID.replace(
                                        "username: syncline\n    tables",
                                        "username: syncline\n    password: 0123\n    tables")
                                .replace(
                                        "bootstrapServers: localhost:9092",
                                        "bootstrapServers: localhost:9092\n"
                                                + "    properties:\n"
                                                + "      linger.ms: 5\n"
                                                + "      enable.idempotence: true");

        SynclineConfig config = load(yaml);

        assertThat(config.tenants()).containsExactly("0123", "1.50", "true");
        assertThat(config.sources().get(0).password()).isEqualTo("0123");
        assertThat(config.sinks().kafka().properties())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("linger.ms", "5", "enable.idempotence", "true"));
    }

    @Test
    void bothTenantColumnAndTenantIsReportedWithTheFix() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID.replace(
                                                "tenantColumn: tenant_id",
                                                "tenantColumn: tenant_id\n        tenant: acme")));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("sources[0].tables[0]");
                            assertThat(p.message())
                                    .contains(
                                            "both tenantColumn ('tenant_id') and tenant ('acme') are set")
                                    .contains("keep tenantColumn if")
                                    .contains("or tenant if");
                        });
    }

    @Test
    void neitherTenantColumnNorTenantIsReportedWithTheFix() {
        ConfigException e =
                catchConfigException(
                        () -> load(VALID.replace("        tenantColumn: tenant_id\n", "")));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("sources[0].tables[0]");
                            assertThat(p.message())
                                    .contains("neither tenantColumn nor tenant is set")
                                    .contains("tenantColumn: tenant_id")
                                    .contains("tenant: acme");
                        });
    }

    @Test
    void constantTenantMustBeInTheAllowList() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        "tenants: [acme, globex]\n"
                                                + VALID.replace(
                                                        "tenantColumn: tenant_id",
                                                        "tenant: initech")));

        assertThat(problemAt(e, "sources[0].tables[0].tenant"))
                .contains("'initech' is not in tenants [acme, globex]");
    }

    @Test
    void duplicateEntityTypeWithinOneSourceNamesTheFirstTable() {
        String yaml =
                VALID.replace(
                        "sinks:",
                        """
                              - table: public.clients
                                entityType: customer
                                tenantColumn: tenant_id
                        sinks:""");

        ConfigException e = catchConfigException(() -> load(yaml));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("sources[0].tables[1].entityType");
                            assertThat(p.message())
                                    .isEqualTo(
                                            "entity type 'customer' is already used by"
                                                    + " sources[0].tables[0]; an entity type comes"
                                                    + " from one table of each source; rename one"
                                                    + " of them");
                        });
    }

    @Test
    void anEntityTypeFromSeveralSourcesGoesToOneTargetTable() {
        String yaml =
                VALID.replace(
                        "sinks:",
                        """
                          - id: billing
                            hostname: billing-db.internal
                            database: billing
                            username: syncline
                            tables:
                              - table: public.clients
                                entityType: customer
                                tenantColumn: tenant_id
                              - table: public.customers
                                entityType: account
                                tenantColumn: tenant_id
                        sinks:""");

        ConfigException e = catchConfigException(() -> load(yaml));

        assertThat(e.problems())
                .extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(
                                "sources[1].tables[0].targetTable",
                                "is 'clients', but entity type 'customer' goes to target table"
                                        + " 'customers' in sources[0].tables[0]; the tables of one"
                                        + " entity type in all sources go to one target table, so"
                                        + " set targetTable: customers"),
                        tuple(
                                "sources[1].tables[1].targetTable",
                                "target table 'customers' is already used by sources[0].tables[0];"
                                        + " two entity types would overwrite each other's rows;"
                                        + " set a distinct targetTable"));
    }

    @Test
    void duplicateSourceIdIsReported() {
        String yaml =
                VALID.replace(
                        "sinks:",
                        """
                          - id: crm
                            hostname: other-db.internal
                            database: crm
                            username: syncline
                            tables:
                              - table: public.contracts
                                entityType: contract
                                tenantColumn: tenant_id
                        sinks:""");

        ConfigException e = catchConfigException(() -> load(yaml));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("sources[1].id");
                            assertThat(p.message())
                                    .contains("source id 'crm' is already used by sources[0].id");
                        });
    }

    @Test
    void transactionTimeoutAboveFifteenMinutesIsRejected() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID.replace(
                                                "bootstrapServers: localhost:9092",
                                                "bootstrapServers: localhost:9092\n"
                                                        + "    transactionTimeout: 20m")));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("sinks.kafka.transactionTimeout");
                            assertThat(p.message())
                                    .contains("must be at most 15m, was 20m")
                                    .contains("transaction.max.timeout.ms");
                        });
    }

    @Test
    void transactionTimeoutMustOutlastTheCheckpointInterval() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        "checkpoints:\n  interval: 2m\n"
                                                + VALID.replace(
                                                        "bootstrapServers: localhost:9092",
                                                        "bootstrapServers: localhost:9092\n"
                                                                + "    transactionTimeout: 1m")));

        assertThat(problemAt(e, "sinks.kafka.transactionTimeout"))
                .contains("must be longer than checkpoints.interval (2m), was 1m")
                .contains("broker abort it");
    }

    @Test
    void unsupportedSourceTypeListsTheSupportedTypes() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID.replace(
                                                "  - id: crm\n",
                                                "  - id: crm\n    type: oracle\n")));

        assertThat(problemAt(e, "sources[0].type"))
                .startsWith("unsupported source type 'oracle'; supported types: postgres, ")
                .contains("debezium-kafka");
    }

    @Test
    void slotNameMustBeAPostgresIdentifier() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID.replace(
                                                "  - id: crm\n",
                                                "  - id: crm\n    slotName: Syncline-CRM\n")));

        assertThat(problemAt(e, "sources[0].slotName"))
                .contains("'Syncline-CRM' is not a valid replication slot name")
                .contains("lower-case letters, digits and underscores");
    }

    @Test
    void sectionsThatAreRequired() {
        ConfigException e = catchConfigException(() -> load("job:\n  name: syncline\n"));

        assertThat(e.problems())
                .extracting(ConfigProblem::path)
                .containsExactly("sources", "sinks");
        assertThat(problemAt(e, "sources")).startsWith("is required; e.g. [{id: crm");
    }

    @Test
    void everySourceNeedsATableAndEverySinkSection() {
        String yaml =
                """
                sources:
                  - id: crm
                    hostname: db.internal
                    database: crm
                    username: syncline
                    tables: []
                sinks:
                  kafka:
                    bootstrapServers: localhost:9092
                """;

        ConfigException e = catchConfigException(() -> load(yaml));

        assertThat(e.problems())
                .extracting(ConfigProblem::path)
                .containsExactly("sources[0].tables", "sinks.target");
        assertThat(problemAt(e, "sources[0].tables")).startsWith("at least one table is required");
    }

    @Test
    void reportsSeveralProblemsAtOnceEachOnItsOwnLine() {
        String yaml =
                """
                job:
                  parallelism: 0
                checkpoints:
                  interval: 5 seconds
                restart:
                  backoffMultiplier: 1
                  jitterFactor: 1.5
                sources:
                  - id: crm
                    hostname: db.internal
                    port: 70000
                    database: crm
                    username: syncline
                    startup: earliest
                    tables:
                      - table: public.customers
                        entityType: Customer
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: localhost
                    properties:
                      transactional.id: mine
                  target:
                    url: jdbc:mysql://localhost/warehouse
                    username: syncline
                    batchSize: 0
                """;

        ConfigException e = catchConfigException(() -> load(yaml));

        assertThat(e.problems())
                .extracting(ConfigProblem::path)
                .containsExactly(
                        "job.parallelism",
                        "checkpoints.interval",
                        "restart.backoffMultiplier",
                        "restart.jitterFactor",
                        "sources[0].port",
                        "sources[0].startup",
                        "sources[0].tables[0].entityType",
                        "sinks.kafka.bootstrapServers",
                        "sinks.kafka.properties.transactional.id",
                        "sinks.target.url",
                        "sinks.target.batchSize");
        assertThat(problemAt(e, "job.parallelism")).isEqualTo("must be between 1 and 32768, was 0");
        assertThat(problemAt(e, "sources[0].port"))
                .isEqualTo("must be between 1 and 65535, was 70000");
        assertThat(problemAt(e, "sources[0].startup"))
                .contains("'earliest'")
                .contains("initial")
                .contains("latest");
        assertThat(problemAt(e, "sinks.kafka.bootstrapServers"))
                .contains("'localhost' is not host:port");
        assertThat(problemAt(e, "sinks.kafka.properties.transactional.id"))
                .contains("use sinks.kafka.transactionalIdPrefix instead");
        assertThat(problemAt(e, "sinks.target.url")).contains("must start with jdbc:postgresql://");
        assertThat(problemAt(e, "sinks.target.batchSize"))
                .isEqualTo("must be between 1 and 100000, was 0");

        Path file = directory.resolve("syncline.yaml");
        assertThat(e.getMessage().lines())
                .hasSize(11)
                .allSatisfy(line -> assertThat(line).startsWith(file + ": "))
                .contains(file + ": job.parallelism: must be between 1 and 32768, was 0");
    }

    @Test
    void aValueOfTheWrongKindIsReportedOnceAtItsPath() {
        ConfigException e =
                catchConfigException(() -> load("job: syncline\nrestart: [1s]\n" + VALID));

        assertThat(e.problems())
                .extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple("job", "expected a mapping of keys to values, found 'syncline'"),
                        tuple("restart", "expected a mapping of keys to values, found a list"));
    }

    @Test
    void withoutConsistencyEveryEntityTypeUsesLastWriterWinsWithDefaultBounds() {
        SynclineConfig config = load(VALID);

        ConsistencySettings consistency = config.consistency();
        assertThat(consistency.dedupTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(consistency.maxOutOfOrder()).isEqualTo(Duration.ZERO);
        assertThat(consistency.maxPendingPerEntity()).isEqualTo(1000);
        assertThat(consistency.maxParkedPerEntity()).isEqualTo(100);
        assertThat(consistency.entities()).isEmpty();
        assertThat(consistency.policyOf("customer")).isEqualTo(ConflictPolicy.lastWriterWins());
        assertThat(config.sinks().kafka().conflictTopic()).isEqualTo("syncline.conflicts");
        assertThat(config.sinks().target().conflictsTable()).isEqualTo("syncline_conflicts");
    }

    @Test
    void consistencyBindsEveryStrategyFallbackAndFieldPolicy() {
        SynclineConfig config =
                load(
                        VALID
                                + """
                                consistency:
                                  dedupTtl: 12h
                                  maxOutOfOrder: 5s
                                  maxPendingPerEntity: 50
                                  maxParkedPerEntity: 7
                                  entities:
                                    customer:
                                      strategy: last-writer-wins
                                    account:
                                      strategy: vector-clock
                                      fallback: field-merge
                                      fields:
                                        credit_limit:
                                          strategy: custom
                                          resolver: io.syncline.operators.resolve.examples.HighestValueWins
                                          options: {field: credit_limit}
                                        name:
                                          strategy: last-writer-wins
                                    order:
                                      strategy: vector-clock
                                    invoice:
                                      strategy: custom
                                      resolver: io.syncline.operators.resolve.examples.HighestValueWins
                                      options: {field: total}
                                    contract:
                                      strategy: manual
                                """);

        ConsistencySettings consistency = config.consistency();
        assertThat(consistency.dedupTtl()).isEqualTo(Duration.ofHours(12));
        assertThat(consistency.maxOutOfOrder()).isEqualTo(Duration.ofSeconds(5));
        assertThat(consistency.maxPendingPerEntity()).isEqualTo(50);
        assertThat(consistency.maxParkedPerEntity()).isEqualTo(7);
        assertThat(consistency.entities())
                .containsOnlyKeys("customer", "account", "order", "invoice", "contract");
        assertThat(consistency.policyOf("customer")).isEqualTo(ConflictPolicy.lastWriterWins());

        ConflictPolicy account = consistency.policyOf("account");
        assertThat(account.strategy()).isEqualTo(ConflictStrategy.VECTOR_CLOCK);
        assertThat(account.fallback()).isEqualTo(ConflictStrategy.Fallback.FIELD_MERGE);
        assertThat(account.resolver()).isNull();
        assertThat(account.fields()).containsOnlyKeys("credit_limit", "name");
        assertThat(account.fields().get("name")).isEqualTo(FieldPolicy.lastWriterWins());
        assertThat(((HighestValueWins) account.fields().get("credit_limit").resolver()).field())
                .isEqualTo("credit_limit");

        ConflictPolicy order = consistency.policyOf("order");
        assertThat(order.strategy()).isEqualTo(ConflictStrategy.VECTOR_CLOCK);
        assertThat(order.fallback()).isEqualTo(ConflictStrategy.Fallback.LAST_WRITER_WINS);

        ConflictPolicy invoice = consistency.policyOf("invoice");
        assertThat(invoice.strategy()).isEqualTo(ConflictStrategy.CUSTOM);
        assertThat(((HighestValueWins) invoice.resolver()).field()).isEqualTo("total");

        assertThat(consistency.policyOf("contract"))
                .isEqualTo(new ConflictPolicy(ConflictStrategy.MANUAL, null, null, Map.of()));
        assertThat(consistency.policyOf("payment")).isEqualTo(ConflictPolicy.lastWriterWins());
    }

    @Test
    void unknownStrategyAndFallbackNamesListTheAllowedOnes() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID
                                                + """
                                                consistency:
                                                  entities:
                                                    customer:
                                                      strategy: last-write-wins
                                                    account:
                                                      strategy: vector-clock
                                                      fallback: merge
                                                      fields:
                                                        name: {strategy: manual}
                                                """));

        assertThat(e.problems())
                .extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(
                                "consistency.entities.customer.strategy",
                                "'last-write-wins' is not a conflict strategy; did you mean"
                                        + " 'last-writer-wins'? Use one of: last-writer-wins,"
                                        + " vector-clock, custom, manual"),
                        tuple(
                                "consistency.entities.account.fallback",
                                "'merge' is not a vector-clock fallback; use one of:"
                                        + " field-merge, last-writer-wins, manual"),
                        tuple(
                                "consistency.entities.account.fields.name.strategy",
                                "'manual' is not a field strategy; use one of: last-writer-wins,"
                                        + " custom"));
    }

    @Test
    void fallbackAndResolverAreRejectedWhereTheStrategyHasNone() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID
                                                + """
                                                consistency:
                                                  entities:
                                                    customer:
                                                      strategy: last-writer-wins
                                                      fallback: field-merge
                                                    contract:
                                                      strategy: manual
                                                      resolver: io.syncline.operators.resolve.examples.HighestValueWins
                                                """));

        assertThat(e.problems())
                .extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(
                                "consistency.entities.customer.fallback",
                                "applies only to strategy vector-clock, where it decides the"
                                        + " versions the vector clocks prove concurrent; remove"
                                        + " it, or set strategy: vector-clock"),
                        tuple(
                                "consistency.entities.contract.resolver",
                                "applies only to strategy custom; remove it, or set strategy:"
                                        + " custom instead of manual"));
    }

    @Test
    void customStrategyWithoutResolverNamesAnExample() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID
                                                + "consistency:\n"
                                                + "  entities:\n"
                                                + "    invoice: {strategy: custom}\n"));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("consistency.entities.invoice.resolver");
                            assertThat(p.message())
                                    .isEqualTo(
                                            "is required for strategy custom: the name of a class"
                                                    + " implementing"
                                                    + " io.syncline.operators.resolve.ConflictResolver,"
                                                    + " e.g."
                                                    + " io.syncline.operators.resolve.examples.HighestValueWins");
                        });
    }

    @Test
    void resolverClassThatIsNotOnTheClasspathIsReported() {
        ConfigException e = catchConfigException(() -> load(customResolver("com.example.Missing")));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("consistency.entities.invoice.resolver");
                            assertThat(p.message())
                                    .isEqualTo(
                                            "class 'com.example.Missing' is not found; correct the"
                                                    + " name (package and class), or put the jar"
                                                    + " that holds it on the job's classpath (e.g."
                                                    + " Flink's lib/ directory)");
                        });
    }

    @Test
    void resolverClassThatIsNoConflictResolverIsReported() {
        ConfigException e = catchConfigException(() -> load(customResolver("java.lang.String")));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("consistency.entities.invoice.resolver");
                            assertThat(p.message())
                                    .isEqualTo(
                                            "'java.lang.String' does not implement"
                                                    + " io.syncline.operators.resolve.ConflictResolver;"
                                                    + " name a class that does, e.g."
                                                    + " io.syncline.operators.resolve.examples.HighestValueWins");
                        });
    }

    @Test
    void optionsTheResolverRejectsAreReportedWithItsMessage() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        customResolver(HighestValueWins.class.getName())
                                                + "      options: {field: ''}\n"));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("consistency.entities.invoice.options");
                            assertThat(p.message())
                                    .isEqualTo(
                                            "HighestValueWins rejects its options: option 'field'"
                                                    + " is blank; name the numeric field whose"
                                                    + " highest value wins");
                        });
    }

    @Test
    void consistencyBoundsAreChecked() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID
                                                + """
                                                consistency:
                                                  dedupTtl: 0s
                                                  maxOutOfOrder: -5s
                                                  maxPendingPerEntity: 0
                                                  maxParkedPerEntity: 0
                                                """));

        assertThat(e.problems())
                .extracting(ConfigProblem::path)
                .containsExactly(
                        "consistency.dedupTtl",
                        "consistency.maxOutOfOrder",
                        "consistency.maxPendingPerEntity",
                        "consistency.maxParkedPerEntity");
        assertThat(problemAt(e, "consistency.dedupTtl")).isEqualTo("must be longer than 0, was 0s");
        assertThat(problemAt(e, "consistency.maxOutOfOrder"))
                .startsWith("'-5s' is not a duration; use");
        assertThat(problemAt(e, "consistency.maxParkedPerEntity"))
                .isEqualTo("must be at least 1, was 0");
    }

    @Test
    void unknownKeysInConsistencySuggestTheKnownOnes() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID
                                                + """
                                                consistency:
                                                  dedupTTL: 1h
                                                  entities:
                                                    customer: {stratgy: manual}
                                                """));

        assertThat(problemAt(e, "consistency.dedupTTL"))
                .isEqualTo(
                        "unknown key 'dedupTTL'; did you mean 'dedupTtl'? Known keys: dedupTtl,"
                                + " maxOutOfOrder, maxPendingPerEntity, maxParkedPerEntity,"
                                + " entities");
        assertThat(problemAt(e, "consistency.entities.customer.stratgy"))
                .isEqualTo(
                        "unknown key 'stratgy'; did you mean 'strategy'? Known keys: strategy,"
                                + " fallback, resolver, options, fields");
    }

    @Test
    void conflictTopicAndTableMustBeOfTheirOwn() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID.replace(
                                                        "bootstrapServers: localhost:9092",
                                                        "bootstrapServers: localhost:9092\n"
                                                                + "    conflictTopic: syncline.errors")
                                                .replace(
                                                        "warehouse\n",
                                                        "warehouse\n"
                                                                + "    conflictsTable: public.conflicts\n")));

        assertThat(e.problems())
                .extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(
                                "sinks.kafka.conflictTopic",
                                "is the same topic as errorTopic ('syncline.errors'); conflicts"
                                        + " must go to a topic of their own, e.g."
                                        + " syncline.conflicts"),
                        tuple(
                                "sinks.target.conflictsTable",
                                "'public.conflicts' is not a table name: write the name alone,"
                                        + " e.g. syncline_conflicts (the schema is"
                                        + " sinks.target.schema)"));
    }

    @Test
    void writeBackNeedsAnotherSourceToSyncWith() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID.replace(
                                                "  - id: crm\n",
                                                "  - id: crm\n    writeBack: true\n")));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("sources[0].writeBack");
                            assertThat(p.message())
                                    .isEqualTo(
                                            "is true, but this is the only source, so there is no"
                                                    + " other source to sync with; add the peer"
                                                    + " source it exchanges changes with, or remove"
                                                    + " writeBack");
                        });
    }

    @Test
    void priorityAndWriteBackAreBoundPerSourceOfOneEntityType() {
        String yaml =
                VALID.replace(
                        "sinks:",
                        """
                          - id: billing
                            hostname: billing-db.internal
                            database: billing
                            username: syncline
                            priority: 2
                            writeBack: true
                            tables:
                              - table: public.customers
                                entityType: customer
                                tenantColumn: tenant_id
                        sinks:""");

        SynclineConfig config = load(yaml);

        assertThat(config.sources())
                .extracting(SourceConfig::id, SourceConfig::priority, SourceConfig::writeBack)
                .containsExactly(tuple("crm", 0, false), tuple("billing", 2, true));
    }

    @Test
    void withoutObservabilityAndAlertsTheStandardsApply() {
        SynclineConfig config = load(VALID);

        assertThat(config.observability())
                .isEqualTo(
                        new ObservabilitySettings(
                                true,
                                new QualityWindows.WindowSpec(
                                        QualityWindows.Kind.TUMBLING,
                                        Duration.ofMinutes(1),
                                        null,
                                        null),
                                Duration.ofSeconds(10),
                                Duration.ofMinutes(5),
                                LatencyTargets.defaults(),
                                AlertThresholds.defaults(),
                                new HeartbeatSettings(
                                        Duration.ofSeconds(10), "public", "syncline_heartbeat"),
                                0.01,
                                Duration.ofSeconds(30),
                                9249));
        assertThat(config.observability().heartbeat().enabled()).isTrue();
        assertThat(config.observability().heartbeat().qualifiedName())
                .isEqualTo("\"public\".\"syncline_heartbeat\"");
        assertThat(config.alerts())
                .isEqualTo(
                        new AlertSettings(
                                AlertThresholds.DEFAULT_CRITICAL_ERROR_CODES,
                                Duration.ofMinutes(15),
                                NotifierSettings.defaults()));
    }

    @Test
    void everyObservabilityAndAlertsKeyIsBound() {
        String yaml =
                VALID.replace(
                                        "bootstrapServers: localhost:9092",
                                        """
                                bootstrapServers: localhost:9092
                                    qualityTopic: dq.quality
                                    alertTopic: dq.alerts""")
                                .replace(
                                        "url: jdbc:postgresql://localhost:5432/warehouse",
                                        """
                                url: jdbc:postgresql://localhost:5432/warehouse
                                    qualityMetricsTable: dq_metrics
                                    alertsTable: dq_alerts""")
                        + """
                        observability:
                          enabled: false
                          window:
                            kind: hopping
                            size: 10m
                            slide: 2m
                          maxDelay: 30s
                          allowedLateness: 1h
                          defaultSyncClass: near-real-time
                          syncClasses:
                            customer: batch
                            contract: real-time
                          latencyTargets:
                            contract: 2s
                            invoice: 45s
                          thresholds:
                            completeness: 0.9
                            accuracy: 0.98
                            consistency: 0.97
                            timeliness: 0.8
                            errorRate: 0.05
                            minChanges: 20
                            sourceLag: 1m
                            sourceStalled: 10m
                          heartbeat:
                            interval: 30s
                            table: ops.beats
                          readBack:
                            sampleRate: 0.25
                            delay: 2m
                          prometheus:
                            port: 9400
                        alerts:
                          criticalErrorCodes: [WAL_GAP, DECRYPT_FAILED, LEDGER_GAP]
                          rateLimit: 5m
                          routes:
                            critical: [pagerduty, sms, email]
                            warning: [slack]
                          retry: {maxAttempts: 3, initialBackoff: 2s, maxBackoff: 30s}
                          ratePerMinute: 10
                          queueCapacity: 50
                          slack: {webhookUrl: 'https://hooks.slack.com/services/T1/B1/X1'}
                          pagerduty:
                            eventsUrl: https://events.eu.pagerduty.com/v2/enqueue
                            routingKey: 0123456789abcdef
                          email:
                            host: smtp.example.com
                            port: 2525
                            startTls: false
                            username: syncline
                            password: s3cret
                            from: syncline@example.com
                            to: [oncall@example.com, data@example.com]
                          sms:
                            gatewayUrl: https://sms.example.com/send
                            authorization: Bearer t0ken
                            to: ['+4915112345678']
                        """;

        SynclineConfig config = load(yaml);

        Set<String> criticalCodes = Set.of("WAL_GAP", "DECRYPT_FAILED", "LEDGER_GAP");
        assertThat(config.observability())
                .isEqualTo(
                        new ObservabilitySettings(
                                false,
                                new QualityWindows.WindowSpec(
                                        QualityWindows.Kind.HOPPING,
                                        Duration.ofMinutes(10),
                                        Duration.ofMinutes(2),
                                        null),
                                Duration.ofSeconds(30),
                                Duration.ofHours(1),
                                new LatencyTargets(
                                        Map.of(
                                                "customer",
                                                LatencyTargets.Target.of(SyncClass.BATCH),
                                                "contract",
                                                new LatencyTargets.Target(
                                                        SyncClass.REAL_TIME, Duration.ofSeconds(2)),
                                                "invoice",
                                                new LatencyTargets.Target(
                                                        SyncClass.NEAR_REAL_TIME,
                                                        Duration.ofSeconds(45))),
                                        LatencyTargets.Target.of(SyncClass.NEAR_REAL_TIME)),
                                new AlertThresholds(
                                        0.9,
                                        0.98,
                                        0.97,
                                        0.8,
                                        0.05,
                                        20,
                                        Duration.ofMinutes(1),
                                        Duration.ofMinutes(10),
                                        criticalCodes,
                                        Duration.ofMinutes(5)),
                                new HeartbeatSettings(Duration.ofSeconds(30), "ops", "beats"),
                                0.25,
                                Duration.ofMinutes(2),
                                9400));
        assertThat(config.alerts())
                .isEqualTo(
                        new AlertSettings(
                                criticalCodes,
                                Duration.ofMinutes(5),
                                new NotifierSettings(
                                        new SlackSettings(
                                                "https://hooks.slack.com/services/T1/B1/X1"),
                                        new PagerDutySettings(
                                                "https://events.eu.pagerduty.com/v2/enqueue",
                                                "0123456789abcdef"),
                                        new EmailSettings(
                                                "smtp.example.com",
                                                2525,
                                                false,
                                                "syncline",
                                                "s3cret",
                                                "syncline@example.com",
                                                List.of("oncall@example.com", "data@example.com")),
                                        new SmsSettings(
                                                "https://sms.example.com/send",
                                                "Bearer t0ken",
                                                List.of("+4915112345678")),
                                        new NotifierRouting(
                                                Map.of(
                                                        AlertSeverity.CRITICAL,
                                                        EnumSet.of(
                                                                Channel.PAGERDUTY,
                                                                Channel.SMS,
                                                                Channel.EMAIL),
                                                        AlertSeverity.WARNING,
                                                        EnumSet.of(Channel.SLACK))),
                                        new RetryPolicy(
                                                3, Duration.ofSeconds(2), Duration.ofSeconds(30)),
                                        10,
                                        50)));
        assertThat(config.sinks().kafka())
                .extracting(KafkaSinkSettings::qualityTopic, KafkaSinkSettings::alertTopic)
                .containsExactly("dq.quality", "dq.alerts");
        assertThat(config.sinks().target())
                .extracting(TargetSettings::qualityMetricsTable, TargetSettings::alertsTable)
                .containsExactly("dq_metrics", "dq_alerts");
    }

    @Test
    void aZeroHeartbeatIntervalTurnsHeartbeatsOff() {
        SynclineConfig config = load(VALID + "observability:\n  heartbeat: {interval: 0s}\n");

        assertThat(config.observability().heartbeat().enabled()).isFalse();
    }

    @Test
    void anUnknownWindowKindListsTheKinds() {
        assertThat(onlyProblemOf("observability:\n  window: {kind: rolling}\n"))
                .isEqualTo(
                        tuple(
                                "observability.window.kind",
                                "'rolling' is not a window kind; use tumbling, hopping, sliding or"
                                        + " session"));
    }

    @Test
    void aSlideLongerThanTheWindowIsReported() {
        assertThat(
                        onlyProblemOf(
                                "observability:\n  window: {kind: sliding, size: 1m, slide: 5m}\n"))
                .isEqualTo(
                        tuple(
                                "observability.window",
                                "slide (5m) must not be longer than size (1m)"));
    }

    @Test
    void aSampleRateAboveOneIsNotAShare() {
        assertThat(onlyProblemOf("observability:\n  readBack: {sampleRate: 1.5}\n"))
                .isEqualTo(
                        tuple(
                                "observability.readBack.sampleRate",
                                "must be a share between 0 and 1, was 1.5; e.g. 0.01 reads back one"
                                        + " change in a hundred, 0 turns read-back off"));
    }

    @Test
    void aThresholdWrittenAsAPercentageIsReportedWithTheShareToWrite() {
        assertThat(onlyProblemOf("observability:\n  thresholds: {completeness: 95}\n"))
                .isEqualTo(
                        tuple(
                                "observability.thresholds.completeness",
                                "must be a share between 0 and 1, was 95.0; write 0.95 for 95 %"));
    }

    @Test
    void aSourceStalledShorterThanSourceLagIsReported() {
        assertThat(
                        onlyProblemOf(
                                "observability:\n"
                                        + "  thresholds: {sourceLag: 2m, sourceStalled: 1m}\n"))
                .isEqualTo(
                        tuple(
                                "observability.thresholds.sourceStalled",
                                "must not be shorter than sourceLag (2m), was 1m: a stalled source is"
                                        + " one further behind than a lagging one"));
    }

    @Test
    void anUnknownSyncClassListsTheClassesWithTheirTargets() {
        assertThat(onlyProblemOf("observability:\n  syncClasses: {customer: instant}\n"))
                .isEqualTo(
                        tuple(
                                "observability.syncClasses.customer",
                                "'instant' is not a sync class; use real-time (5s target),"
                                        + " near-real-time (30s) or batch (1h)"));
    }

    @Test
    void anUnknownChannelInTheRoutesListsTheChannels() {
        assertThat(onlyProblemOf("alerts:\n  routes: {critical: [slack, teams]}\n"))
                .isEqualTo(
                        tuple(
                                "alerts.routes.critical",
                                "'teams' is not a channel; use slack, pagerduty, email or sms"));
    }

    @Test
    void pagingChannelsAreForCriticalAlertsOnly() {
        assertThat(onlyProblemOf("alerts:\n  routes: {warning: [slack, pagerduty]}\n"))
                .isEqualTo(
                        tuple(
                                "alerts.routes.warning",
                                "'pagerduty' pages people, so it takes critical alerts only;"
                                        + " remove it from routes.warning"));
    }

    @Test
    void aChannelWithoutARequiredValueIsReportedOnceAtThatValue() {
        assertThat(
                        onlyProblemOf(
                                "alerts:\n"
                                        + "  email: {host: smtp.example.com, from: s@example.com}\n"))
                .isEqualTo(tuple("alerts.email.to", "is required; e.g. [oncall@example.com]"));
        assertThat(
                        onlyProblemOf(
                                "alerts:\n"
                                        + "  email: {host: smtp.example.com, from: s@example.com,"
                                        + " to: []}\n"))
                .isEqualTo(
                        tuple(
                                "alerts.email.to",
                                "needs at least one recipient; e.g. [oncall@example.com]"));
        assertThat(onlyProblemOf("alerts:\n  pagerduty: {eventsUrl: 'https://pd.example.com'}\n"))
                .isEqualTo(
                        tuple("alerts.pagerduty.routingKey", "is required; e.g. 0123456789abcdef"));
        assertThat(
                        onlyProblemOf(
                                "alerts:\n  sms: {gatewayUrl: 'https://sms.example.com', to: []}\n"))
                .isEqualTo(
                        tuple(
                                "alerts.sms.to",
                                "needs at least one phone number; e.g. ['+4915112345678']"));
    }

    @Test
    void aRetryMaxBackoffShorterThanTheInitialOneIsReportedAtMaxBackoff() {
        assertThat(onlyProblemOf("alerts:\n  retry: {initialBackoff: 1m, maxBackoff: 10s}\n"))
                .isEqualTo(
                        tuple(
                                "alerts.retry.maxBackoff",
                                "must not be shorter than initialBackoff (1m), was 10s"));
    }

    @Test
    void qualityTopicAndAlertsTableMustBeOfTheirOwn() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID.replace(
                                                        "bootstrapServers: localhost:9092",
                                                        "bootstrapServers: localhost:9092\n"
                                                                + "    qualityTopic: syncline.changes")
                                                .replace(
                                                        "warehouse\n",
                                                        "warehouse\n"
                                                                + "    alertsTable: syncline_errors\n")));

        assertThat(e.problems())
                .extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(
                                "sinks.kafka.qualityTopic",
                                "is the same topic as changeTopic ('syncline.changes'); quality"
                                        + " metrics must go to a topic of their own, e.g."
                                        + " syncline.quality"),
                        tuple(
                                "sinks.target.alertsTable",
                                "is the same table as errorsTable ('syncline_errors'); alerts must"
                                        + " go to a table of their own, e.g. syncline_alerts"));
    }

    @Test
    void targetRetriesAndCircuitBreakerAreBoundAsWritten() {
        SynclineConfig config =
                load(
                        VALID
                                + "    retry: {maxRetries: 2, initialBackoff: 50ms, maxBackoff: 1s,"
                                + " multiplier: 3, jitter: 0}\n"
                                + "    circuitBreaker: {openFor: 5s, failureThreshold: 3}\n");

        TargetSettings target = config.sinks().target();
        assertThat(target.retry())
                .isEqualTo(
                        RetryPolicy.ofRetries(
                                2, Duration.ofMillis(50), Duration.ofSeconds(1), 3.0, 0.0));
        assertThat(target.circuitBreaker())
                .isEqualTo(new CircuitBreakerSettings(Duration.ofSeconds(5), 3));
    }

    @Test
    void badTargetRetryAndCircuitBreakerValuesNameTheValueAndTheFix() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID
                                                + "    retry: {maxRetries: 500, initialBackoff:"
                                                + " 2s, maxBackoff: 1s, multiplier: 0.5, jitter:"
                                                + " 2, initalBackoff: 1s}\n"
                                                + "    circuitBreaker: {openFor: 0s,"
                                                + " failureThreshold: 0}\n"));

        assertThat(e.problems())
                .extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(
                                "sinks.target.retry.maxRetries",
                                "must be between 0 and 100, was 500"),
                        tuple(
                                "sinks.target.retry.maxBackoff",
                                "must not be shorter than initialBackoff (2s), was 1s"),
                        tuple(
                                "sinks.target.retry.multiplier",
                                "must be at least 1 (1 keeps the pause between retries constant, 2"
                                        + " doubles it), was 0.5; e.g. 2"),
                        tuple(
                                "sinks.target.retry.jitter",
                                "must be between 0 and 1, was 2.0; e.g. 0.1"),
                        tuple(
                                "sinks.target.retry.initalBackoff",
                                "unknown key 'initalBackoff'; did you mean 'initialBackoff'? Known"
                                        + " keys:"
                                        + " maxRetries, initialBackoff, maxBackoff,"
                                        + " multiplier, jitter"),
                        tuple(
                                "sinks.target.circuitBreaker.openFor",
                                "must be longer than 0, was 0s"),
                        tuple(
                                "sinks.target.circuitBreaker.failureThreshold",
                                "must be between 1 and 10000, was 0"));
    }

    @Test
    void theFormerMaxRetriesSaysWhereItMoved() {
        assertThat(onlyProblemOf("    maxRetries: 3\n"))
                .isEqualTo(
                        tuple(
                                "sinks.target.maxRetries",
                                "has moved to sinks.target.retry.maxRetries, where failed batches"
                                        + " are retried with exponential backoff; write retry:"
                                        + " {maxRetries: 3}"));
    }

    // ---- helpers

    @Test
    void backfillDefaultsFollowTheJobsParallelism() {
        SynclineConfig config = load("job: {parallelism: 3}\n" + VALID);

        assertThat(config.backfill())
                .isEqualTo(new BackfillSettings(1000, 50_000, 3, Duration.ofSeconds(10)));
    }

    @Test
    void backfillTakesItsSettingsAndTheCommandLineOverridesThem() {
        SynclineConfig config =
                load(
                        VALID
                                + "backfill: {chunkSize: 200, rowsPerSplit: 5000, parallelism: 4,"
                                + " commitTimeLag: 30s}\n");

        assertThat(config.backfill())
                .isEqualTo(new BackfillSettings(200, 5000, 4, Duration.ofSeconds(30)));
        assertThat(config.backfill().with(50, null, 8))
                .isEqualTo(new BackfillSettings(50, 5000, 8, Duration.ofSeconds(30)));
    }

    @Test
    void badBackfillSettingsNameTheKeyAndTheFix() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID
                                                + "backfill: {chunkSize: 0, commitTimeLag: 0s,"
                                                + " chunksize: 10}\n"));

        assertThat(problemAt(e, "backfill.chunkSize"))
                .isEqualTo("must be between 1 and 100000, was 0");
        assertThat(problemAt(e, "backfill.commitTimeLag"))
                .startsWith("must be longer than 0: a change committed just before");
        assertThat(problemAt(e, "backfill.chunksize")).contains("did you mean 'chunkSize'?");
    }

    @Test
    void bindsFieldClassesEncryptionAndTheSubjectOfEachEntityType() {
        SynclineConfig config =
                load(
                        VALID
                                + """
                                security:
                                  keys: {keyStore: keys.p12, password: secret}
                                  entities:
                                    customer:
                                      subject: id
                                      fields:
                                        email: {class: confidential, encrypt: true}
                                        phone: restricted
                                        country: public
                                """);

        Classification classification = config.security().classification();
        assertThat(classification.of("customer", "email"))
                .isEqualTo(new FieldProtection(DataClass.CONFIDENTIAL, true));
        assertThat(classification.of("customer", "phone"))
                .isEqualTo(new FieldProtection(DataClass.RESTRICTED, false));
        assertThat(classification.of("customer", "name")).isEqualTo(FieldProtection.DEFAULT);
        assertThat(classification.of("customer").subjectField()).isEqualTo("id");
        assertThat(classification.of("customer").masked()).containsExactly("email", "phone");
        assertThat(classification.of("customer").encrypted()).containsExactly("email");
    }

    @Test
    void withoutASecuritySectionNothingIsClassified() {
        assertThat(load(VALID).security().classification().entities()).isEmpty();
    }

    @Test
    void aClassificationProblemNamesTheClassesTheEntityTypesAndTheFix() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID
                                                + """
                                                security:
                                                  entities:
                                                    custmer:
                                                      fields: {email: secret}
                                                    customer:
                                                      subject: id
                                                      fields:
                                                        id: {class: confidential, encrypt: true}
                                                        tax_id: {class: internal, encrypt: true}
                                                """));

        assertThat(problemAt(e, "security.entities.custmer"))
                .contains("no source table maps to entity type 'custmer'")
                .contains("customer");
        assertThat(problemAt(e, "security.entities.custmer.fields.email"))
                .contains(
                        "'secret' is not a class; use one of public, internal, confidential,"
                                + " restricted");
        assertThat(problemAt(e, "security.entities.customer.subject"))
                .contains("which is encrypted");
        assertThat(problemAt(e, "security.entities.customer.fields.tax_id.encrypt"))
                .contains("also set class: confidential");
    }

    @Test
    void retentionDefaultsToWhatTheStandardsRequire() {
        SynclineConfig config = load(VALID);

        assertThat(config.security().retention()).isEqualTo(RetentionSettings.DEFAULTS);
        assertThat(config.security().retention().audit()).isEqualTo(Duration.ofDays(7 * 365));
        assertThat(config.security().audit().enabled()).isTrue();
        assertThat(config.sinks().kafka().auditTopic()).isEqualTo("syncline.audit");
        assertThat(config.sinks().target().auditTable()).isEqualTo("syncline_audit");
    }

    @Test
    void retentionTakesAPeriodPerClassInYearsDaysOrIso() {
        SynclineConfig config =
                load(
                        VALID
                                + "security:\n"
                                + "  audit: {enabled: false}\n"
                                + "  retention: {changes: 10y, audit: 3650d, errors: 30d,"
                                + " conflicts: P180D, quality: 2y, alerts: 1y,"
                                + " alterExistingTopics: false}\n");

        assertThat(config.security().retention())
                .isEqualTo(
                        new RetentionSettings(
                                Duration.ofDays(3650),
                                Duration.ofDays(3650),
                                Duration.ofDays(30),
                                Duration.ofDays(180),
                                Duration.ofDays(730),
                                Duration.ofDays(365),
                                false));
        assertThat(config.security().audit().enabled()).isFalse();
    }

    @Test
    void aRetentionShorterThanADayOrUnknownNamesTheKeyAndTheFix() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID
                                                + "security:\n"
                                                + "  retention: {errors: 12h, audit: 7 years,"
                                                + " metrics: 400d}\n"));

        assertThat(problemAt(e, "security.retention.errors"))
                .isEqualTo(
                        "must be at least 1d, was 12h; a shorter retention deletes records before"
                                + " anyone could look at them; write e.g. 90d");
        assertThat(problemAt(e, "security.retention.audit"))
                .isEqualTo(
                        "'7 years' is not a duration; use a whole number with a unit (500ms, 5s,"
                                + " 2m, 1h, 1d, 1y) or ISO-8601 (PT5S)");
        assertThat(problemAt(e, "security.retention.metrics"))
                .startsWith("unknown key 'metrics';")
                .contains("changes, audit, errors, conflicts, quality, alerts");
    }

    @Test
    void theEventStoreIsOnByDefaultAndKeepsEventsAsLongAsTheChanges() {
        SynclineConfig config = load(VALID + "security:\n  retention: {changes: 10y}\n");

        assertThat(config.eventStore())
                .isEqualTo(new EventStoreSettings(true, Duration.ofDays(3650)));
        assertThat(config.sinks().kafka().eventTopic()).isEqualTo("syncline.events");
    }

    @Test
    void theEventStoreTakesItsOwnRetentionAndCompressionOrIsTurnedOff() {
        SynclineConfig config =
                load(VALID + "eventStore: {enabled: false, retention: 12y, compression: zstd}\n");

        assertThat(config.eventStore())
                .isEqualTo(new EventStoreSettings(false, Duration.ofDays(12 * 365), "zstd"));
        assertThat(load(VALID).eventStore().compression()).as("the default").isEqualTo("lz4");
    }

    @Test
    void anEventStoreCompressionKafkaDoesNotKnowIsNamedWithTheChoices() {
        ConfigException e =
                catchConfigException(() -> load(VALID + "eventStore: {compression: brotli}\n"));

        assertThat(problemAt(e, "eventStore.compression"))
                .isEqualTo(
                        "'brotli' is not a Kafka compression type; use one of lz4, zstd, gzip,"
                                + " snappy, none (the default, lz4, keeps events in about 40 % of"
                                + " their size)");
    }

    @Test
    void anEventStoreRetentionShorterThanADayOrASharedTopicIsNamedWithTheFix() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID.replace(
                                                        "bootstrapServers: localhost:9092",
                                                        "bootstrapServers: localhost:9092\n"
                                                                + "    eventTopic:"
                                                                + " syncline.changes")
                                                + "eventStore: {retention: 12h}\n"));

        assertThat(problemAt(e, "eventStore.retention"))
                .isEqualTo(
                        "must be at least 1d, was 12h; a replay can only go back as far as the"
                                + " event topic keeps events; write e.g. 7y (the default is"
                                + " security.retention.changes)");
        assertThat(problemAt(e, "sinks.kafka.eventTopic"))
                .startsWith("is the same topic as changeTopic ('syncline.changes'); stored events");
    }

    @Test
    void theAuditTopicAndTableMustBeTheirOwn() {
        ConfigException e =
                catchConfigException(
                        () ->
                                load(
                                        VALID.replace(
                                                        "bootstrapServers: localhost:9092",
                                                        "bootstrapServers: localhost:9092\n"
                                                                + "    auditTopic: syncline.changes")
                                                .replace(
                                                        "warehouse\n",
                                                        "warehouse\n"
                                                                + "    auditTable: syncline_errors\n")));

        assertThat(problemAt(e, "sinks.kafka.auditTopic"))
                .startsWith("is the same topic as changeTopic ('syncline.changes'); audit records");
        assertThat(problemAt(e, "sinks.target.auditTable"))
                .startsWith("is the same table as errorsTable ('syncline_errors'); audit records");
    }

    private SynclineConfig load(String yaml) {
        return load(yaml, Map.of());
    }

    private SynclineConfig load(String yaml, Map<String, String> environment) {
        Path file = directory.resolve("syncline.yaml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Function<String, String> lookup = environment::get;
        return ConfigLoader.load(file, lookup);
    }

    /** {@link #VALID} with a custom strategy for invoices, resolved by {@code resolver}. */
    private static String customResolver(String resolver) {
        return VALID
                + "consistency:\n"
                + "  entities:\n"
                + "    invoice:\n"
                + "      strategy: custom\n"
                + "      resolver: "
                + resolver
                + "\n";
    }

    /** The one problem of {@link #VALID} with {@code yaml} appended, as (path, message). */
    private Tuple onlyProblemOf(String yaml) {
        ConfigException e = catchConfigException(() -> load(VALID + yaml));
        assertThat(e.problems()).hasSize(1);
        ConfigProblem problem = e.problems().get(0);
        return tuple(problem.path(), problem.message());
    }

    private static ConfigException catchConfigException(Runnable load) {
        try {
            load.run();
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    private static String problemAt(ConfigException e, String path) {
        return e.problems().stream()
                .filter(p -> p.path().equals(path))
                .map(ConfigProblem::message)
                .findFirst()
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        "no problem at " + path + " in\n" + e.getMessage()));
    }
}

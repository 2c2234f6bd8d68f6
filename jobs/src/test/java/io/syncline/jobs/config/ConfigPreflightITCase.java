package io.syncline.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.syncline.embedded.DeltaApiStandIn;
import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Runs the preflight against a real PostgreSQL and Kafka broker, and against closed ports. */
class ConfigPreflightITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    // Names of this class only: the server is shared by every test class of the run.
    private static final String SOURCE_DATABASE = "preflight_crm";
    private static final String TARGET_DATABASE = "preflight_warehouse";

    private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(2);

    @TempDir Path directory;

    @BeforeAll
    static void createDatabases() {
        POSTGRES.createDatabase(SOURCE_DATABASE);
        POSTGRES.createDatabase(TARGET_DATABASE);
        POSTGRES.execute(
                SOURCE_DATABASE,
                "DROP TABLE IF EXISTS customers, contracts, events, notes",
                "CREATE TABLE customers (id bigint PRIMARY KEY, tenant_id text, name text)",
                // Keyed by configuration; replica identity FULL lets PostgreSQL publish updates.
                "CREATE TABLE contracts (id bigint NOT NULL, tenant_id text, amount numeric)",
                "ALTER TABLE contracts REPLICA IDENTITY FULL",
                "CREATE TABLE events (id bigint NOT NULL, tenant_id text, payload text)",
                "CREATE TABLE notes (id bigint NOT NULL, tenant_id text, body text)");
    }

    @Test
    void configurationThatMatchesTheSystemsPasses() {
        SynclineConfig config = ConfigLoader.load(resource("preflight.yaml"), reachable()::get);

        assertThatCode(() -> ConfigPreflight.check(config)).doesNotThrowAnyException();
    }

    @Test
    void unreachableDatabasesAndBrokerAreReportedQuickly() {
        int closedPort = closedPort();
        Map<String, String> environment = reachable();
        environment.put("SOURCE_PORT", Integer.toString(closedPort));
        environment.put("KAFKA_BOOTSTRAP", "localhost:" + closedPort);
        environment.put("TARGET_PORT", Integer.toString(closedPort));
        SynclineConfig config = ConfigLoader.load(resource("preflight.yaml"), environment::get);

        long start = System.nanoTime();
        ConfigException e = checkFails(config);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        // The checks run in parallel, so the slowest one (Kafka's timeout) bounds the wait.
        assertThat(elapsed).isLessThan(Duration.ofSeconds(10));
        assertThat(e.problems())
                .extracting(ConfigProblem::path)
                .containsExactly("sources[0]", "sinks.kafka.bootstrapServers", "sinks.target.url");
        assertThat(problemAt(e, "sources[0]"))
                .startsWith(
                        "cannot use PostgreSQL at localhost:"
                                + closedPort
                                + "/"
                                + SOURCE_DATABASE
                                + " as user 'postgres'")
                .contains("refused")
                .contains("is PostgreSQL running")
                .contains("check hostname, port, database, username and password");
        assertThat(problemAt(e, "sinks.kafka.bootstrapServers"))
                .startsWith("cannot reach Kafka at localhost:" + closedPort + " within 2s")
                .contains("is the broker running");
        assertThat(problemAt(e, "sinks.target.url"))
                .startsWith(
                        "cannot use PostgreSQL at jdbc:postgresql://localhost:"
                                + closedPort
                                + "/"
                                + TARGET_DATABASE)
                .contains("refused");
        assertThat(e.getMessage().lines())
                .hasSize(3)
                .allSatisfy(line -> assertThat(line).startsWith(config.file() + ": "));
    }

    @Test
    void sourcesOfOtherTypesAreCheckedWhereTheyLie() throws IOException {
        KAFKA.createTopic("preflight.public.orders", 1);
        int closedPort = closedPort();
        try (DeltaApiStandIn api = new DeltaApiStandIn("syncline", "the-right-secret", 60)) {
            SynclineConfig config =
                    withMoreSources(
                            """
                              - id: erp
                                type: debezium-kafka
                                topics: [preflight.public.orders, preflight.public.ordrs]
                                tables:
                                  - {table: public.orders, entityType: order, tenant: acme}
                              - id: billing
                                type: http
                                baseUrl: %1$s
                                auth: {tokenUrl: "%2$s", clientId: syncline, clientSecret: wrong}
                                tables:
                                  - {table: invoices, entityType: invoice, tenant: acme}
                              - id: helpdesk
                                type: http
                                baseUrl: %1$s
                                auth: {tokenUrl: "%2$s", clientId: syncline, clientSecret: the-right-secret}
                                tables:
                                  - {table: tickets, entityType: ticket, tenant: acme}
                              - id: shop
                                type: mariadb
                                hostname: localhost
                                port: %3$d
                                database: shop
                                username: cdc
                                tables:
                                  - {table: shop.items, entityType: item, tenant: acme}
                            """
                                    .formatted(api.baseUrl(), api.tokenUrl(), closedPort));

            ConfigException e = checkFails(config);

            assertThat(e.problems())
                    .extracting(ConfigProblem::path)
                    .containsExactlyInAnyOrder(
                            "sources[1].topics", "sources[2].auth", "sources[4]");
            assertThat(problemAt(e, "sources[1].topics"))
                    .startsWith(
                            "no topic preflight.public.ordrs on sinks.kafka's cluster "
                                    + KAFKA.bootstrapServers());
            assertThat(problemAt(e, "sources[2].auth"))
                    .isEqualTo(
                            "the token endpoint "
                                    + api.tokenUrl()
                                    + " answered 401 to client 'syncline'; check auth.clientId,"
                                    + " auth.clientSecret and auth.scope");
            assertThat(problemAt(e, "sources[4]"))
                    .startsWith(
                            "cannot use mariadb at localhost:" + closedPort + "/shop as user 'cdc'")
                    .contains("is the server running");
            assertThat(api.tokensIssued()).as("the right secret got its token").isEqualTo(1);
        }
    }

    @Test
    void databaseThatDoesNotExistIsReportedWithTheDriversError() {
        Map<String, String> environment = reachable();
        environment.put("SOURCE_DATABASE", "no_such_database");

        ConfigException e =
                checkFails(ConfigLoader.load(resource("preflight.yaml"), environment::get));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("sources[0]");
                            assertThat(p.message())
                                    .contains("localhost:" + POSTGRES.port() + "/no_such_database")
                                    .contains("\"no_such_database\" does not exist");
                        });
    }

    @Test
    void missingTableListsTheTablesThatExist() {
        ConfigException e =
                checkFails(
                        withTables(
                                """
                                      - table: public.customerz
                                        entityType: customer
                                        tenantColumn: tenant_id
                                      - table: Customers
                                        entityType: client
                                        tenantColumn: tenant_id
                                """));

        assertThat(e.problems())
                .extracting(ConfigProblem::path)
                .containsExactly("sources[0].tables[0].table", "sources[0].tables[1].table");
        assertThat(problemAt(e, "sources[0].tables[0].table"))
                .isEqualTo(
                        "table public.customerz does not exist; tables in schema public:"
                                + " contracts, customers, events, notes; correct the name, or"
                                + " create the table");
        assertThat(problemAt(e, "sources[0].tables[1].table"))
                .contains("table public.Customers does not exist")
                .contains("did you mean customers?");
    }

    @Test
    void missingSchemaIsReported() {
        ConfigException e =
                checkFails(
                        withTables(
                                """
                                      - table: sales.customers
                                        entityType: customer
                                        tenantColumn: tenant_id
                                """));

        assertThat(problemAt(e, "sources[0].tables[0].table"))
                .contains("table sales.customers does not exist")
                .contains("schema sales has no tables (or does not exist)");
    }

    @Test
    void columnsThatDoNotExistAreListedWithTheColumnsThatDo() {
        ConfigException e =
                checkFails(
                        withTables(
                                """
                                      - table: public.contracts
                                        entityType: contract
                                        primaryKey: [id, contract_no]
                                        tenantColumn: tenant
                                """));

        assertThat(e.problems())
                .extracting(ConfigProblem::path)
                .containsExactly(
                        "sources[0].tables[0].primaryKey[1]", "sources[0].tables[0].tenantColumn");
        assertThat(problemAt(e, "sources[0].tables[0].primaryKey[1]"))
                .isEqualTo(
                        "column 'contract_no' is not a column of public.contracts; its columns:"
                                + " id, tenant_id, amount");
        assertThat(problemAt(e, "sources[0].tables[0].tenantColumn"))
                .isEqualTo(
                        "column 'tenant' is not a column of public.contracts; its columns:"
                                + " id, tenant_id, amount");
    }

    @Test
    void tableWithoutPrimaryKeyNeedsOneConfigured() {
        ConfigException e =
                checkFails(
                        withTables(
                                """
                                      - table: public.events
                                        entityType: event
                                        tenantColumn: tenant_id
                                """));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("sources[0].tables[0]");
                            assertThat(p.message())
                                    .contains("table public.events has no primary key constraint")
                                    .contains("set primaryKey to the columns that identify a row")
                                    .contains("columns: id, tenant_id, payload")
                                    .contains("ALTER TABLE public.events ADD PRIMARY KEY");
                        });
    }

    @Test
    void configuredKeyOnTableWithoutReplicaIdentityIsReported() {
        ConfigException e =
                checkFails(
                        withTables(
                                """
                                      - table: public.notes
                                        entityType: note
                                        primaryKey: [id]
                                        tenantColumn: tenant_id
                                """));

        assertThat(e.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.path()).isEqualTo("sources[0].tables[0].primaryKey");
                            assertThat(p.message())
                                    .contains("no replica identity")
                                    .contains("publication syncline_crm")
                                    .contains("ALTER TABLE public.notes REPLICA IDENTITY FULL");
                        });
    }

    @Test
    void walLevelOtherThanLogicalIsReportedWithTheFix() {
        // The embedded server always runs with wal_level=logical (so the tests above cover
        // that it passes); a server with another level needs a restart to get one.
        assertThat(ConfigPreflight.walLevelProblem("logical")).isEmpty();
        assertThat(ConfigPreflight.walLevelProblem("replica"))
                .hasValueSatisfying(
                        message ->
                                assertThat(message)
                                        .startsWith("wal_level is 'replica'")
                                        .contains("needs 'logical'")
                                        .contains("ALTER SYSTEM SET wal_level = logical")
                                        .contains("restart PostgreSQL"));
    }

    // ---- helpers

    /** Addresses of the embedded servers, as the placeholders of preflight.yaml expect. */
    private static Map<String, String> reachable() {
        Map<String, String> environment = new HashMap<>();
        environment.put("SOURCE_PORT", Integer.toString(POSTGRES.port()));
        environment.put("SOURCE_DATABASE", SOURCE_DATABASE);
        environment.put("SOURCE_USER", POSTGRES.username());
        environment.put("SOURCE_PASSWORD", POSTGRES.password());
        environment.put("KAFKA_BOOTSTRAP", KAFKA.bootstrapServers());
        environment.put("TARGET_PORT", Integer.toString(POSTGRES.port()));
        environment.put("TARGET_DATABASE", TARGET_DATABASE);
        environment.put("TARGET_USER", POSTGRES.username());
        environment.put("TARGET_PASSWORD", POSTGRES.password());
        return environment;
    }

    /** The reachable configuration with sources of other types after the Postgres one. */
    private SynclineConfig withMoreSources(String sources) {
        return withTables(
                """
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                """,
                sources);
    }

    /** The reachable configuration with other tables for the one source. */
    private SynclineConfig withTables(String tables) {
        return withTables(tables, "");
    }

    private SynclineConfig withTables(String tables, String moreSources) {
        String yaml =
                """
                sources:
                  - id: crm
                    hostname: localhost
                    port: ${SOURCE_PORT}
                    database: ${SOURCE_DATABASE}
                    username: ${SOURCE_USER}
                    password: ${SOURCE_PASSWORD}
                    tables:
                """
                        + tables
                        + moreSources
                        + """
                        sinks:
                          kafka:
                            bootstrapServers: ${KAFKA_BOOTSTRAP}
                          target:
                            url: jdbc:postgresql://localhost:${TARGET_PORT}/${TARGET_DATABASE}
                            username: ${TARGET_USER}
                            password: ${TARGET_PASSWORD}
                        """;
        Path file = directory.resolve("syncline.yaml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ConfigLoader.load(file, reachable()::get);
    }

    private static ConfigException checkFails(SynclineConfig config) {
        try {
            ConfigPreflight.check(config, SHORT_TIMEOUT, SHORT_TIMEOUT);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected the preflight to fail");
    }

    /** A local port with nothing listening: connections to it are refused at once. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(
                    Objects.requireNonNull(
                                    ConfigPreflightITCase.class.getResource("/config/" + name),
                                    name)
                            .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
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

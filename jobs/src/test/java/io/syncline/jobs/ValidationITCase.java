package io.syncline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.cli.SynclineCli;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.RuleFiles;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.control.ControlTopicPublisher;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.Operation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Validation end to end at parallelism 2 against real PostgreSQL and Kafka: about 5 % of the
 * changes are invalid in varied ways (JSON Schema, business rules, referential integrity, and an
 * XML column against its XSD); every valid change reaches the change topic and the target, every
 * invalid one is in the error topic and the errors table exactly once with its code, and per tenant
 * the changes in equal the changes out plus the errors. A child that arrives before its parent is
 * released when the parent arrives; a rule set published mid-stream changes the verdicts from the
 * point it is in force; after the rule is fixed, a replay delivers what the stricter rule rejected,
 * while what is still invalid is rejected again.
 */
class ValidationITCase {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final List<String> TENANTS = List.of("acme", "globex", "initech");
    private static final String SCHEMA =
            """
            {"type": "object",
             "properties": {
               "id": {"type": "integer"},
               "tenant_id": {"type": "string"},
               "name": {"type": "string", "minLength": 1},
               "email": {"type": ["string", "null"], "format": "email"},
               "credit_limit": {"type": "number"},
               "status": {"enum": ["active", "suspended", "closed"]}},
             "required": ["id", "name", "status"]}
            """;

    private static final String XSD =
            """
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
              <xs:element name="invoice">
                <xs:complexType>
                  <xs:sequence>
                    <xs:element name="number" type="xs:string"/>
                    <xs:element name="total" type="xs:decimal"/>
                  </xs:sequence>
                </xs:complexType>
              </xs:element>
            </xs:schema>
            """;

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir Path dir;

    private final Random random = new Random(11);
    private final Ledger ledger = new Ledger();
    private final Map<String, List<Long>> customersOf = new HashMap<>();
    private EmbeddedPostgresServer postgres;
    private String name = "validation";
    private String maxParentWait = "2s";
    private Connection source;
    private JobClient job;
    private long nextId = 1;

    @AfterEach
    void stop() throws Exception {
        if (job != null) {
            Poll.cancel(job);
        }
        if (source != null) {
            source.close();
        }
    }

    /** Databases, tables, rule files and the configuration of one test; its path. */
    private Path setUp(String testName, String parentWait) throws Exception {
        name = testName;
        maxParentWait = parentWait;
        postgres = POSTGRES.server();
        postgres.createDatabase(sourceDb());
        postgres.createDatabase(targetDb());
        postgres.execute(
                sourceDb(),
                "CREATE TABLE customers (id BIGINT PRIMARY KEY, tenant_id TEXT, name TEXT,"
                        + " email TEXT, credit_limit NUMERIC(12,2), status TEXT)",
                "CREATE TABLE contracts (id BIGINT PRIMARY KEY, tenant_id TEXT, customer_id"
                        + " BIGINT, amount NUMERIC(12,2), starts_on DATE)",
                "CREATE TABLE documents (id BIGINT PRIMARY KEY, tenant_id TEXT, body XML)");
        source = postgres.connect(sourceDb());
        Files.writeString(dir.resolve("customer.schema.json"), SCHEMA);
        Files.writeString(dir.resolve("invoice.xsd"), XSD);
        Files.writeString(dir.resolve("rules-v1.yaml"), rules(1, "1000000"));
        Path configFile = dir.resolve(name + ".yaml");
        Files.writeString(configFile, config());
        return configFile;
    }

    private String sourceDb() {
        return "src_" + name;
    }

    private String targetDb() {
        return "tgt_" + name;
    }

    private String topic(String kind) {
        return kind + "-" + name;
    }

    @Test
    void validatesRejectsHoldsChildrenAppliesNewRuleSetsAndReplays() throws Exception {
        Path configFile = setUp("validation", "2s");
        SynclineConfig config = ConfigLoader.load(configFile);

        // Snapshot: valid customers and one invalid, read before streaming starts.
        for (String tenant : TENANTS) {
            for (int i = 0; i < 4; i++) {
                insertCustomer(tenant, "100.00", "active", "a@example.com", Operation.READ, null);
            }
        }
        insertCustomer("globex", "-1.00", "active", null, Operation.READ, "RULE_RANGE");
        start(config);

        try (TopicReader changes =
                        new TopicReader(KAFKA.server().bootstrapServers(), topic("changes"));
                TopicReader errors =
                        new TopicReader(KAFKA.server().bootstrapServers(), topic("errors"))) {
            // The snapshot first, so that what follows is streamed.
            awaitChanges(changes, ledger.expectedValid());
            awaitErrors(errors, ledger.expectedErrors());
            // Streamed: about 5 % invalid, in six ways, and a child before its parent.
            for (int i = 0; i < 400; i++) {
                writeRandomChange(i);
            }
            childBeforeParent("acme");
            childBeforeParent("initech");
            // An XML column checked against its XSD, through real CDC.
            insertDocument(
                    "globex",
                    "<invoice><number>INV-1</number><total>10.50</total></invoice>",
                    null);
            insertDocument("globex", "<invoice><total>ten</total></invoice>", "SCHEMA_XML_INVALID");
            List<ChangeEvent> out = awaitChanges(changes, ledger.expectedValid());
            List<ErrorRecord> rejected = awaitErrors(errors, ledger.expectedErrors());

            assertThat(keysAndOps(out)).isEqualTo(ledger.validKeysAndOps());
            assertThat(keysAndCodes(rejected)).isEqualTo(ledger.errorKeysAndCodes());
            assertThat(rejected).extracting(ErrorRecord::getErrorId).doesNotHaveDuplicates();
            assertThat(out).allSatisfy(c -> assertThat(c.getRuleSetVersion()).isEqualTo(1));
            for (String tenant : TENANTS) {
                assertThat(
                                count(out, ChangeEvent::getTenant, tenant)
                                        + count(rejected, ErrorRecord::getTenant, tenant))
                        .as("changes in = changes out + errors, tenant %s", tenant)
                        .isEqualTo(ledger.writtenBy(tenant));
            }
            assertThat(rejected)
                    .filteredOn(e -> e.getCode().equals("SCHEMA_FORMAT"))
                    .allSatisfy(
                            e -> {
                                assertThat(e.getMessage()).contains("email = ***");
                                assertThat(e.getPayload()).doesNotContain("not-an-email");
                            });
            awaitErrorsTable(ledger.expectedErrors());
            assertThat(errorsTableCodes()).isEqualTo(ledger.errorCodeCounts());
            awaitTargetHasValidRows();

            // Rule set v2 lowers the credit limit; from the point it is in force, it decides.
            publish(2, "500000");
            probeUntilRuleSet(changes, errors, 2);
            List<Long> overLimit = new ArrayList<>();
            List<Long> underLimit = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String tenant = TENANTS.get(i % TENANTS.size());
                overLimit.add(
                        insertCustomer(
                                tenant,
                                "600000.00",
                                "active",
                                null,
                                Operation.CREATE,
                                "RULE_RANGE"));
                underLimit.add(
                        insertCustomer(tenant, "100.00", "active", null, Operation.CREATE, null));
            }
            List<ChangeEvent> outAfterV2 = awaitChanges(changes, ledger.expectedValid());
            List<ErrorRecord> rejectedAfterV2 = awaitErrors(errors, ledger.expectedErrors());
            assertThat(keysAndOps(outAfterV2)).isEqualTo(ledger.validKeysAndOps());
            assertThat(keysAndCodes(rejectedAfterV2)).isEqualTo(ledger.errorKeysAndCodes());
            assertThat(outAfterV2)
                    .filteredOn(c -> underLimit.contains(Long.parseLong(c.getEntityId())))
                    .hasSize(underLimit.size())
                    .allSatisfy(c -> assertThat(c.getRuleSetVersion()).isEqualTo(2));
            assertThat(rejectedAfterV2)
                    .filteredOn(e -> e.getEntityType().equals("customer"))
                    .filteredOn(
                            e -> overLimit.contains(Long.parseLong(e.getChange().getEntityId())))
                    .hasSize(overLimit.size())
                    .allSatisfy(e -> assertThat(e.getRuleSetVersion()).isEqualTo(2));

            // v3 lifts the limit; a replay of the RULE_RANGE errors delivers what v2 rejected.
            publish(3, "2000000");
            probeUntilRuleSet(changes, errors, 3);
            awaitErrorsTable(ledger.expectedErrors());
            int replayedBefore = awaitChanges(changes, 0).size();
            assertThat(cli("errors", "replay", "--code", "RULE_RANGE", "--config", configFile))
                    .isZero();
            List<Long> nowValid = ledger.rangeErrorsAbove(new BigDecimal("500000"));
            assertThat(nowValid).containsAll(overLimit);
            List<ChangeEvent> replayed =
                    awaitChanges(changes, replayedBefore + nowValid.size())
                            .subList(replayedBefore, replayedBefore + nowValid.size());
            assertThat(replayed)
                    .allSatisfy(
                            c -> {
                                assertThat(c.getReplayOf()).isNotNull();
                                assertThat(c.getRuleSetVersion()).isEqualTo(3);
                            });
            assertThat(replayed)
                    .extracting(c -> Long.parseLong(c.getEntityId()))
                    .containsExactlyInAnyOrderElementsOf(nowValid);
            Poll.until(
                    TIMEOUT,
                    "replayed customers in the target",
                    () -> targetCustomerIds().containsAll(nowValid));
            // Still invalid under v3: rejected again, with the same error id, and open again.
            long stillInvalid = ledger.rangeErrorCount() - nowValid.size();
            Poll.until(
                    TIMEOUT,
                    "errors that failed again to be open again",
                    () ->
                            statusCount("RULE_RANGE", "open") == stillInvalid
                                    && statusCount("RULE_RANGE", "replayed") == nowValid.size());
        }
    }

    @Test
    void childrenWaitingForTheirParentsSurviveACrash(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Path configFile = setUp("validation_crash", "2m");
        for (String tenant : TENANTS) {
            insertCustomer(tenant, "100.00", "active", null, Operation.READ, null);
        }
        start(ConfigLoader.load(configFile));
        try (TopicReader changes =
                        new TopicReader(KAFKA.server().bootstrapServers(), topic("changes"));
                TopicReader errors =
                        new TopicReader(KAFKA.server().bootstrapServers(), topic("errors"))) {
            awaitChanges(changes, ledger.expectedValid());

            // Contracts of customers that do not exist yet: they wait in the validate state.
            List<Long> parents = new ArrayList<>();
            for (String tenant : TENANTS) {
                for (int i = 0; i < 4; i++) {
                    long parent = 9_100_000L + parents.size();
                    parents.add(parent);
                    insertContract(tenant, parent, LocalDate.of(2026, 5, 1), null);
                }
            }
            // A later change of each tenant, visible once a checkpoint completed after it, and
            // so after the waiting contracts of its tenant were in the validate state.
            List<Long> probes = new ArrayList<>();
            for (String tenant : TENANTS) {
                probes.add(insertCustomer(tenant, "5.00", "active", null, Operation.CREATE, null));
            }
            Poll.until(
                    TIMEOUT,
                    "the probes to be committed",
                    () ->
                            awaitChanges(changes, 0).stream()
                                    .map(c -> Long.parseLong(c.getEntityId()))
                                    .toList()
                                    .containsAll(probes));
            assertThat(awaitChanges(changes, 0))
                    .noneMatch(c -> c.getEntityType().equals("contract"));

            cluster.terminateTaskManager(0).get();
            cluster.startTaskManager();
            for (int i = 0; i < parents.size(); i++) {
                String tenant = TENANTS.get(i / 4);
                customerRow(parents.get(i), tenant, "late " + i, "10.00", "active", null);
                ledger.expect(tenant, "customer", parents.get(i), Operation.CREATE, null);
            }

            List<ChangeEvent> out = awaitChanges(changes, ledger.expectedValid());
            assertThat(keysAndOps(out)).isEqualTo(ledger.validKeysAndOps());
            assertThat(out).extracting(ChangeEvent::getEventId).doesNotHaveDuplicates();
            assertThat(awaitErrors(errors, 0)).isEmpty();
            awaitTargetHasValidRows();
            assertThat(
                            cluster.getExecutionGraph(job.getJobID())
                                    .get()
                                    .getCheckpointStatsSnapshot()
                                    .getLatestRestoredCheckpoint())
                    .as("the job restored its state from a checkpoint")
                    .isNotNull();
        }
    }

    private void start(SynclineConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        SyncJobFactory.create(config).build(env);
        job = env.executeAsync(config.job().name());
    }

    private void writeRandomChange(int i) throws SQLException {
        String tenant = TENANTS.get(random.nextInt(TENANTS.size()));
        if (i % 20 == 19) {
            writeInvalidChange(tenant, i / 20);
            return;
        }
        int dice = random.nextInt(10);
        List<Long> customers = customersOf.getOrDefault(tenant, List.of());
        if (dice < 4 || customers.isEmpty()) {
            insertCustomer(
                    tenant,
                    random.nextInt(900_000) + ".50",
                    "active",
                    "c@example.com",
                    Operation.CREATE,
                    null);
        } else if (dice < 7) {
            insertContract(
                    tenant,
                    customers.get(random.nextInt(customers.size())),
                    LocalDate.of(2026, 1, 1),
                    null);
        } else {
            updateCustomer(tenant, customers.get(random.nextInt(customers.size())));
        }
    }

    /** One invalid change of six kinds in turn. */
    private void writeInvalidChange(String tenant, int kind) throws SQLException {
        switch (kind % 6) {
            case 0 ->
                    insertCustomer(tenant, "-5.00", "active", null, Operation.CREATE, "RULE_RANGE");
            case 1 ->
                    insertCustomer(
                            tenant, "10.00", "unknown", null, Operation.CREATE, "SCHEMA_ENUM");
            case 2 ->
                    insertCustomer(
                            tenant,
                            "10.00",
                            "active",
                            "not-an-email",
                            Operation.CREATE,
                            "SCHEMA_FORMAT");
            case 3 ->
                    insertContract(
                            tenant,
                            9_000_000L + kind,
                            LocalDate.of(2026, 1, 1),
                            "RI_MISSING_PARENT");
            case 4 ->
                    insertContract(
                            tenant, anyCustomer(tenant), LocalDate.of(1999, 12, 31), "RULE_RANGE");
            default -> insertCustomerNamed(tenant, "", "SCHEMA_RANGE");
        }
    }

    private void insertDocument(String tenant, String xml, String code) throws SQLException {
        long id = nextId++;
        try (PreparedStatement insert =
                source.prepareStatement(
                        "INSERT INTO documents VALUES (?, ?, XMLPARSE(DOCUMENT ?))")) {
            insert.setLong(1, id);
            insert.setString(2, tenant);
            insert.setString(3, xml);
            insert.executeUpdate();
        }
        ledger.expect(tenant, "document", id, Operation.CREATE, code);
    }

    /** A contract inserted before the customer it refers to: it waits, then both arrive. */
    private void childBeforeParent(String tenant) throws SQLException {
        long parent = nextId++;
        insertContract(tenant, parent, LocalDate.of(2026, 3, 1), null);
        customerRow(parent, tenant, "late parent", "10.00", "active", null);
        ledger.expect(tenant, "customer", parent, Operation.CREATE, null);
        customersOf.computeIfAbsent(tenant, t -> new ArrayList<>()).add(parent);
    }

    private long anyCustomer(String tenant) {
        List<Long> customers = customersOf.get(tenant);
        return customers.get(random.nextInt(customers.size()));
    }

    private long insertCustomer(
            String tenant, String credit, String status, String email, Operation op, String code)
            throws SQLException {
        long id = nextId++;
        customerRow(id, tenant, "customer " + id, credit, status, email);
        ledger.expect(tenant, "customer", id, op, code);
        ledger.credit.put(id, new BigDecimal(credit));
        if (code == null) {
            customersOf.computeIfAbsent(tenant, t -> new ArrayList<>()).add(id);
        }
        return id;
    }

    private void insertCustomerNamed(String tenant, String name, String code) throws SQLException {
        long id = nextId++;
        customerRow(id, tenant, name, "10.00", "active", null);
        ledger.expect(tenant, "customer", id, Operation.CREATE, code);
    }

    private void customerRow(
            long id, String tenant, String name, String credit, String status, String email)
            throws SQLException {
        try (PreparedStatement insert =
                source.prepareStatement("INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, tenant);
            insert.setString(3, name);
            insert.setString(4, email);
            insert.setBigDecimal(5, new BigDecimal(credit));
            insert.setString(6, status);
            insert.executeUpdate();
        }
    }

    private void updateCustomer(String tenant, long id) throws SQLException {
        try (PreparedStatement update =
                source.prepareStatement("UPDATE customers SET credit_limit = ? WHERE id = ?")) {
            BigDecimal credit = BigDecimal.valueOf(random.nextInt(90_000_000), 2);
            update.setBigDecimal(1, credit);
            update.setLong(2, id);
            update.executeUpdate();
        }
        ledger.expect(tenant, "customer", id, Operation.UPDATE, null);
    }

    private void insertContract(String tenant, long customer, LocalDate startsOn, String code)
            throws SQLException {
        long id = nextId++;
        try (PreparedStatement insert =
                source.prepareStatement("INSERT INTO contracts VALUES (?, ?, ?, ?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, tenant);
            insert.setLong(3, customer);
            insert.setBigDecimal(4, new BigDecimal("99.00"));
            insert.setObject(5, startsOn);
            insert.executeUpdate();
        }
        ledger.expect(tenant, "contract", id, Operation.CREATE, code);
    }

    /**
     * Inserts probe customers over v(n-1)'s credit limit until one is judged by rule set {@code
     * version}; each probe's verdict must match the version it was checked against.
     */
    private void probeUntilRuleSet(TopicReader changes, TopicReader errors, int version)
            throws Exception {
        Poll.until(
                TIMEOUT,
                "rule set v" + version + " to be in force",
                () -> {
                    long id = nextId++;
                    customerRow(id, "acme", "probe " + id, "700000.00", "active", null);
                    ledger.credit.put(id, new BigDecimal("700000.00"));
                    String key = EntityKeys.of("acme", "customer", String.valueOf(id));
                    List<ChangeEvent> accepted = new ArrayList<>();
                    List<ErrorRecord> rejected = new ArrayList<>();
                    Poll.until(
                            TIMEOUT,
                            "probe " + id,
                            () -> {
                                accepted.clear();
                                rejected.clear();
                                awaitChanges(changes, 0).stream()
                                        .filter(c -> EntityKeys.of(c).equals(key))
                                        .forEach(accepted::add);
                                awaitErrors(errors, 0).stream()
                                        .filter(e -> key.equals(e.getKey()))
                                        .forEach(rejected::add);
                                return accepted.size() + rejected.size() == 1;
                            });
                    int judgedBy =
                            accepted.isEmpty()
                                    ? rejected.get(0).getRuleSetVersion()
                                    : accepted.get(0).getRuleSetVersion();
                    // Over 500000 is invalid exactly under v2.
                    assertThat(accepted.isEmpty()).isEqualTo(judgedBy == 2);
                    ledger.expect(
                            "acme",
                            "customer",
                            id,
                            Operation.CREATE,
                            accepted.isEmpty() ? "RULE_RANGE" : null);
                    return judgedBy == version;
                });
    }

    private void publish(int version, String maxCredit) throws Exception {
        Path file = dir.resolve("rules-v" + version + ".yaml");
        Files.writeString(file, rules(version, maxCredit));
        SynclineConfig config = ConfigLoader.load(dir.resolve(name + ".yaml"));
        try (ControlTopicPublisher publisher = new ControlTopicPublisher(config.sinks().kafka())) {
            publisher.publishRuleSet(RuleFiles.read(file), "ValidationITCase");
        }
    }

    private static List<ChangeEvent> awaitChanges(TopicReader reader, int count) {
        return decode(
                reader.readUntil(read -> read.size() >= count, TIMEOUT, Duration.ofMillis(500)),
                record -> ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value())));
    }

    private static List<ErrorRecord> awaitErrors(TopicReader reader, int count) {
        return decode(
                reader.readUntil(read -> read.size() >= count, TIMEOUT, Duration.ofMillis(500)),
                record -> ErrorRecord.getDecoder().decode(ByteBuffer.wrap(record.value())));
    }

    private interface Decoder<T> {
        T decode(ConsumerRecord<byte[], byte[]> record) throws Exception;
    }

    private static <T> List<T> decode(
            List<ConsumerRecord<byte[], byte[]>> records, Decoder<T> decoder) {
        List<T> decoded = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                decoded.add(decoder.decode(record));
            } catch (Exception e) {
                throw new AssertionError("undecodable record at offset " + record.offset(), e);
            }
        }
        return decoded;
    }

    private static Map<String, Long> keysAndOps(List<ChangeEvent> changes) {
        return changes.stream()
                .collect(
                        Collectors.groupingBy(
                                c -> EntityKeys.of(c) + " " + c.getOp(),
                                TreeMap::new,
                                Collectors.counting()));
    }

    private static Map<String, Long> keysAndCodes(List<ErrorRecord> errors) {
        return errors.stream()
                .collect(
                        Collectors.groupingBy(
                                e -> e.getKey() + " " + e.getCode(),
                                TreeMap::new,
                                Collectors.counting()));
    }

    private static <T> long count(List<T> items, Function<T, String> tenant, String expected) {
        return items.stream().filter(item -> expected.equals(tenant.apply(item))).count();
    }

    private void awaitErrorsTable(int count) throws Exception {
        Poll.until(
                TIMEOUT,
                count + " rows in the errors table",
                () ->
                        errorsTableCodes().values().stream().mapToLong(Long::longValue).sum()
                                >= count);
    }

    private Map<String, Long> errorsTableCodes() throws SQLException {
        Map<String, Long> codes = new TreeMap<>();
        try (Connection target = postgres.connect(targetDb());
                Statement statement = target.createStatement();
                ResultSet rows =
                        statement.executeQuery(
                                "SELECT code, count(*) FROM syncline_errors GROUP BY code")) {
            while (rows.next()) {
                codes.put(rows.getString(1), rows.getLong(2));
            }
        }
        return codes;
    }

    private long statusCount(String code, String status) throws SQLException {
        try (Connection target = postgres.connect(targetDb());
                PreparedStatement query =
                        target.prepareStatement(
                                "SELECT count(*) FROM syncline_errors WHERE code = ? AND status"
                                        + " = ?")) {
            query.setString(1, code);
            query.setString(2, status);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private void awaitTargetHasValidRows() throws Exception {
        Poll.until(
                TIMEOUT,
                "every valid customer and contract in the target",
                () ->
                        targetCustomerIds().equals(ledger.validIds("customer"))
                                && targetIds("contracts").equals(ledger.validIds("contract"))
                                && targetIds("documents").equals(ledger.validIds("document")));
    }

    private List<Long> targetCustomerIds() throws SQLException {
        return targetIds("customers");
    }

    private List<Long> targetIds(String table) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection target = postgres.connect(targetDb());
                Statement statement = target.createStatement();
                ResultSet rows =
                        statement.executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return ids; // not created yet
            }
            throw e;
        }
        return ids;
    }

    private static int cli(Object... args) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = SynclineCli.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(out));
        int exit =
                commandLine.execute(
                        java.util.Arrays.stream(args).map(String::valueOf).toArray(String[]::new));
        assertThat(exit).as("syncline output: %s", out).isZero();
        return exit;
    }

    private static String rules(int version, String maxCredit) {
        return """
                version: %d
                entities:
                  customer:
                    schema:
                      type: json-schema
                      file: customer.schema.json
                    confidential: [email]
                    rules:
                      - {type: range, field: credit_limit, min: 0, max: %s}
                  document:
                    schema: {type: xsd, file: invoice.xsd, field: body}
                  contract:
                    rules:
                      - {type: range, field: starts_on, min: 2000-01-01, max: 2100-12-31}
                    references:
                      - {field: customer_id, entity: customer}
                """
                .formatted(version, maxCredit);
    }

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
                tenants: [acme, globex, initech]
                sources:
                  - id: crm_%1$s
                    hostname: %3$s
                    port: %4$d
                    database: %5$s
                    username: %6$s
                    password: %7$s
                    tables:
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                      - table: public.contracts
                        entityType: contract
                        tenantColumn: tenant_id
                      - table: public.documents
                        entityType: document
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: %8$s
                    changeTopic: %9$s
                    errorTopic: %10$s
                    controlTopic: %11$s
                    transactionalIdPrefix: it-%1$s
                  target:
                    url: %12$s
                    username: %6$s
                    password: %7$s
                    batchInterval: 100ms
                validation:
                  rules: rules-v1.yaml
                  maxParentWait: %13$s
                """
                .formatted(
                        name,
                        dir.resolve("checkpoints-" + name).toUri(),
                        postgres.host(),
                        postgres.port(),
                        sourceDb(),
                        postgres.username(),
                        postgres.password(),
                        KAFKA.server().bootstrapServers(),
                        topic("changes"),
                        topic("errors"),
                        topic("control"),
                        postgres.jdbcUrl(targetDb()),
                        maxParentWait);
    }

    /** What the test wrote and what it expects of each change. */
    private static final class Ledger {
        private final List<Expected> expected = new ArrayList<>();
        private final Map<Long, BigDecimal> credit = new HashMap<>();

        private record Expected(
                String tenant, String entityType, long id, Operation op, String code) {
            String key() {
                return EntityKeys.of(tenant, entityType, String.valueOf(id));
            }
        }

        void expect(String tenant, String entityType, long id, Operation op, String code) {
            expected.add(new Expected(tenant, entityType, id, op, code));
        }

        int expectedValid() {
            return (int) expected.stream().filter(e -> e.code() == null).count();
        }

        int expectedErrors() {
            return expected.size() - expectedValid();
        }

        long writtenBy(String tenant) {
            return expected.stream().filter(e -> e.tenant().equals(tenant)).count();
        }

        Map<String, Long> validKeysAndOps() {
            return expected.stream()
                    .filter(e -> e.code() == null)
                    .collect(
                            Collectors.groupingBy(
                                    e -> e.key() + " " + e.op(),
                                    TreeMap::new,
                                    Collectors.counting()));
        }

        Map<String, Long> errorKeysAndCodes() {
            return expected.stream()
                    .filter(e -> e.code() != null)
                    .collect(
                            Collectors.groupingBy(
                                    e -> e.key() + " " + e.code(),
                                    TreeMap::new,
                                    Collectors.counting()));
        }

        Map<String, Long> errorCodeCounts() {
            return expected.stream()
                    .filter(e -> e.code() != null)
                    .collect(
                            Collectors.groupingBy(
                                    Expected::code, TreeMap::new, Collectors.counting()));
        }

        List<Long> validIds(String entityType) {
            return expected.stream()
                    .filter(e -> e.code() == null && e.entityType().equals(entityType))
                    .map(Expected::id)
                    .distinct()
                    .sorted()
                    .toList();
        }

        long rangeErrorCount() {
            return expected.stream().filter(e -> "RULE_RANGE".equals(e.code())).count();
        }

        /** Customers rejected by a range rule whose credit is over {@code limit}. */
        List<Long> rangeErrorsAbove(BigDecimal limit) {
            return expected.stream()
                    .filter(
                            e ->
                                    "RULE_RANGE".equals(e.code())
                                            && e.entityType().equals("customer")
                                            && credit.get(e.id()).compareTo(limit) > 0)
                    .map(Expected::id)
                    .toList();
        }
    }
}

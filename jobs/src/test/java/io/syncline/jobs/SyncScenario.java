package io.syncline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.EmbeddedKafkaBroker;
import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.Operation;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One sync job over its own source and target databases and topics, plus a writer of source changes
 * that remembers, per entity, which operations it made, so the test can check the topic holds each
 * of them exactly once and in order.
 */
final class SyncScenario implements AutoCloseable {

    static final List<String> TENANTS = List.of("acme", "globex", "initech");
    private static final String CUSTOMER_COLUMNS = "id, tenant_id, name, balance, updated_at";
    private static final String CONTRACT_COLUMNS =
            "id, tenant_id, customer_id, amount, starts_on, attributes";

    private final String name;
    private final EmbeddedPostgresServer postgres;
    private final EmbeddedKafkaBroker kafka;
    private final Connection source;
    private final SynclineConfig config;
    private final Random random = new Random(7);
    private final Map<String, List<Operation>> expected = new ConcurrentHashMap<>();
    private final List<String> expectedErrorCodes = new ArrayList<>();
    private final List<Long> liveCustomers = new ArrayList<>();
    private final Map<Long, String> tenantOf = new LinkedHashMap<>();
    private long nextId = 1;
    private JobClient job;

    SyncScenario(String name, EmbeddedPostgresServer postgres, EmbeddedKafkaBroker kafka, Path dir)
            throws IOException, SQLException {
        this.name = name;
        this.postgres = postgres;
        this.kafka = kafka;
        postgres.createDatabase(sourceDb());
        postgres.createDatabase(targetDb());
        postgres.execute(
                sourceDb(),
                "CREATE TABLE customers (id BIGINT PRIMARY KEY, tenant_id TEXT, name TEXT,"
                        + " balance NUMERIC(12,2), updated_at TIMESTAMP)",
                "CREATE TABLE contracts (id BIGINT PRIMARY KEY, tenant_id TEXT, customer_id"
                        + " BIGINT, amount NUMERIC(12,2), starts_on DATE, attributes JSONB)",
                "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT)",
                "CREATE TABLE sites (id INT PRIMARY KEY, tenant_id TEXT, position POINT)",
                "ALTER TABLE customers REPLICA IDENTITY FULL",
                "ALTER TABLE contracts REPLICA IDENTITY FULL");
        this.source = postgres.connect(sourceDb());
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml(dir));
        this.config = ConfigLoader.load(file);
    }

    String sourceDb() {
        return "src_" + name;
    }

    String targetDb() {
        return "tgt_" + name;
    }

    String changeTopic() {
        return "changes-" + name;
    }

    String errorTopic() {
        return "errors-" + name;
    }

    private String yaml(Path dir) {
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
                tenants: [%3$s]
                sources:
                  - id: crm_%1$s
                    hostname: %4$s
                    port: %5$d
                    database: %6$s
                    username: %7$s
                    password: %8$s
                    tables:
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                      - table: public.contracts
                        entityType: contract
                        tenantColumn: tenant_id
                      - table: notes
                        entityType: note
                        tenant: acme
                      - table: sites
                        entityType: site
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: %9$s
                    changeTopic: %10$s
                    errorTopic: %11$s
                    controlTopic: control-%1$s
                    transactionalIdPrefix: it-%1$s
                  target:
                    url: %12$s
                    username: %7$s
                    password: %8$s
                    batchInterval: 100ms
                """
                .formatted(
                        name,
                        dir.resolve("checkpoints-" + name).toUri(),
                        String.join(", ", TENANTS),
                        postgres.host(),
                        postgres.port(),
                        sourceDb(),
                        postgres.username(),
                        postgres.password(),
                        kafka.bootstrapServers(),
                        changeTopic(),
                        errorTopic(),
                        postgres.jdbcUrl(targetDb()));
    }

    /** Submits the job to the test's MiniCluster. */
    void start() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        SyncJobFactory.create(config).build(env);
        job = env.executeAsync(config.job().name());
    }

    /** Inserts customers with one contract each, for every tenant, before the job starts. */
    void seed(int perTenant) throws SQLException {
        for (String tenant : TENANTS) {
            for (int i = 0; i < perTenant; i++) {
                insertCustomer(tenant, Operation.READ);
                insertContract(tenant, Operation.READ);
            }
        }
        for (int i = 1; i <= 3; i++) {
            try (Statement statement = source.createStatement()) {
                statement.executeUpdate("INSERT INTO notes VALUES (" + i + ", 'note " + i + "')");
            }
            expect("acme", "note", String.valueOf(i), Operation.READ);
        }
    }

    /** Writes {@code count} random inserts, updates and deletes of customers and contracts. */
    void writeChanges(int count) throws SQLException {
        for (int i = 0; i < count; i++) {
            int dice = random.nextInt(10);
            String tenant = TENANTS.get(random.nextInt(TENANTS.size()));
            if (dice < 3 || liveCustomers.isEmpty()) {
                insertCustomer(tenant, Operation.CREATE);
            } else if (dice < 5) {
                insertContract(tenant, Operation.CREATE);
            } else if (dice < 8) {
                updateCustomer(liveCustomers.get(random.nextInt(liveCustomers.size())));
            } else if (dice < 9) {
                updateTwoCustomersInOneTransaction();
            } else {
                deleteCustomer(liveCustomers.get(random.nextInt(liveCustomers.size())));
            }
        }
    }

    /** A customer without a tenant: the decoder must send it to the error topic. */
    void insertCustomerWithoutTenant() throws SQLException {
        customerInsert(nextId++, null);
        expectedErrorCodes.add("TENANT_MISSING");
    }

    /** A customer of a tenant that is not configured. */
    void insertCustomerOfUnknownTenant() throws SQLException {
        customerInsert(nextId++, "umbrella");
        expectedErrorCodes.add("UNKNOWN_TENANT");
    }

    /** A column type Syncline cannot carry: the change must reach the error topic. */
    void insertSiteWithPoint() throws SQLException {
        try (Statement statement = source.createStatement()) {
            statement.executeUpdate("INSERT INTO sites VALUES (1, 'acme', point(1.5, 2.5))");
        }
        expectedErrorCodes.add("UNSUPPORTED_TYPE");
    }

    private void insertCustomer(String tenant, Operation op) throws SQLException {
        long id = nextId++;
        customerInsert(id, tenant);
        liveCustomers.add(id);
        tenantOf.put(id, tenant);
        expect(tenant, "customer", String.valueOf(id), op);
    }

    private void customerInsert(long id, String tenant) throws SQLException {
        try (PreparedStatement insert =
                source.prepareStatement("INSERT INTO customers VALUES (?, ?, ?, ?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, tenant);
            insert.setString(3, "customer " + id);
            insert.setBigDecimal(4, BigDecimal.valueOf(random.nextInt(1_000_000), 2));
            insert.setObject(5, LocalDateTime.of(2026, 11, 1, 9, 30).plusMinutes(id));
            insert.executeUpdate();
        }
    }

    private void insertContract(String tenant, Operation op) throws SQLException {
        long id = nextId++;
        try (PreparedStatement insert =
                source.prepareStatement(
                        "INSERT INTO contracts VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb))")) {
            insert.setLong(1, id);
            insert.setString(2, tenant);
            insert.setLong(3, id - 1);
            insert.setBigDecimal(4, BigDecimal.valueOf(random.nextInt(1_000_000), 2));
            insert.setObject(5, LocalDate.of(2026, 1, 1).plusDays(id % 365));
            insert.setString(6, "{\"seats\": " + id + ", \"plan\": \"pro\"}");
            insert.executeUpdate();
        }
        expect(tenant, "contract", String.valueOf(id), op);
    }

    private void updateCustomer(long id) throws SQLException {
        try (PreparedStatement update =
                source.prepareStatement("UPDATE customers SET balance = ? WHERE id = ?")) {
            update.setBigDecimal(1, BigDecimal.valueOf(random.nextInt(1_000_000), 2));
            update.setLong(2, id);
            update.executeUpdate();
        }
        expect(tenantOf.get(id), "customer", String.valueOf(id), Operation.UPDATE);
    }

    private void updateTwoCustomersInOneTransaction() throws SQLException {
        source.setAutoCommit(false);
        try {
            long first = liveCustomers.get(0);
            long last = liveCustomers.get(liveCustomers.size() - 1);
            updateCustomer(first);
            if (last != first) {
                updateCustomer(last);
            }
            source.commit();
        } finally {
            source.setAutoCommit(true);
        }
    }

    private void deleteCustomer(long id) throws SQLException {
        try (PreparedStatement delete =
                source.prepareStatement("DELETE FROM customers WHERE id = ?")) {
            delete.setLong(1, id);
            delete.executeUpdate();
        }
        liveCustomers.remove(id);
        expect(tenantOf.remove(id), "customer", String.valueOf(id), Operation.DELETE);
    }

    private void expect(String tenant, String entityType, String id, Operation op) {
        expected.computeIfAbsent(EntityKeys.of(tenant, entityType, id), k -> new ArrayList<>())
                .add(op);
    }

    int expectedChangeCount() {
        return expected.values().stream().mapToInt(List::size).sum();
    }

    /** Waits until the target's customers and contracts equal the source's, row for row. */
    void awaitTargetEqualsSource(Duration timeout) throws Exception {
        try {
            Poll.until(
                    timeout,
                    "target tables of " + name + " to equal the source",
                    () ->
                            sameRows("customers", CUSTOMER_COLUMNS)
                                    && sameRows("contracts", CONTRACT_COLUMNS));
        } catch (AssertionError timedOut) {
            // Show which rows differ.
            assertThat(rows(targetDb(), "customers", CUSTOMER_COLUMNS))
                    .as("target customers")
                    .containsExactlyElementsOf(rows(sourceDb(), "customers", CUSTOMER_COLUMNS));
            assertThat(rows(targetDb(), "contracts", CONTRACT_COLUMNS))
                    .as("target contracts")
                    .containsExactlyElementsOf(rows(sourceDb(), "contracts", CONTRACT_COLUMNS));
            throw timedOut;
        }
    }

    private boolean sameRows(String table, String columns) throws SQLException {
        return rows(sourceDb(), table, columns).equals(rows(targetDb(), table, columns));
    }

    /** The synced rows: in the source those of configured tenants, in the target the live ones. */
    List<List<String>> rows(String database, String table, String columns) throws SQLException {
        String filter =
                database.equals(targetDb())
                        ? "NOT _syncline_deleted"
                        : "tenant_id IN ('" + String.join("', '", TENANTS) + "')";
        try (Connection connection = postgres.connect(database)) {
            return TableRows.query(
                    connection,
                    "SELECT " + columns + " FROM " + table + " WHERE " + filter + " ORDER BY id");
        }
    }

    /** Reads the change topic until it holds every expected change, and a little longer. */
    List<ChangeEvent> readChanges(Duration timeout) throws IOException {
        int expectedCount = expectedChangeCount();
        List<ConsumerRecord<byte[], byte[]>> records;
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), changeTopic())) {
            records =
                    reader.readUntil(
                            read -> read.size() >= expectedCount, timeout, Duration.ofSeconds(3));
        }
        List<ChangeEvent> changes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            ChangeEvent change = ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value()));
            assertThat(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(EntityKeys.of(change));
            changes.add(change);
        }
        return changes;
    }

    /** Reads the error topic until it holds every expected error, and a little longer. */
    List<ErrorRecord> readErrors(Duration timeout) throws IOException {
        int expectedCount = expectedErrorCodes.size();
        List<ErrorRecord> errors = new ArrayList<>();
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), errorTopic())) {
            for (ConsumerRecord<byte[], byte[]> record :
                    reader.readUntil(
                            read -> read.size() >= expectedCount, timeout, Duration.ofSeconds(2))) {
                errors.add(ErrorRecord.getDecoder().decode(ByteBuffer.wrap(record.value())));
            }
        }
        return errors;
    }

    /**
     * Each change exactly once (no event id twice), and per entity the operations in the order they
     * were made, with rising versions.
     */
    void assertExactlyOnceInOrder(List<ChangeEvent> changes) {
        Set<String> ids = new HashSet<>();
        List<String> duplicates =
                changes.stream().map(ChangeEvent::getEventId).filter(id -> !ids.add(id)).toList();
        assertThat(duplicates).as("event ids seen more than once").isEmpty();

        Map<String, List<ChangeEvent>> byEntity =
                changes.stream()
                        .collect(
                                Collectors.groupingBy(
                                        EntityKeys::of, LinkedHashMap::new, Collectors.toList()));
        assertThat(byEntity.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        byEntity.forEach(
                (key, events) -> {
                    assertThat(events.stream().map(ChangeEvent::getOp).toList())
                            .as("operations of %s in topic order", key)
                            .containsExactlyElementsOf(expected.get(key));
                    List<Long> versions = events.stream().map(ChangeEvent::getVersion).toList();
                    assertThat(versions)
                            .as("versions of %s in topic order", key)
                            .isSortedAccordingTo(Long::compare)
                            .doesNotHaveDuplicates();
                });
        assertThat(changes).hasSize(expectedChangeCount());
    }

    List<String> expectedErrorCodes() {
        return List.copyOf(expectedErrorCodes);
    }

    JobClient job() {
        return job;
    }

    @Override
    public void close() throws Exception {
        if (job != null) {
            Poll.cancel(job);
        }
        source.close();
    }
}

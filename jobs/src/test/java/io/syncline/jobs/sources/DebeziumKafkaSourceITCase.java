package io.syncline.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.embedded.SchemaRegistryStandIn;
import io.syncline.jobs.Poll;
import io.syncline.jobs.TableRows;
import io.syncline.jobs.TopicReader;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.schema.ChangeEvent;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync job at parallelism 2 reading Debezium topics of two connectors from a real Kafka broker:
 * a Postgres connector's JSON (with and without schemas) and a MySQL connector's Avro, its schemas
 * in a schema registry (the stand-in, over HTTP). Creates, updates, deletes with tombstones,
 * transaction metadata and a schema change across two tenants reach the PostgreSQL target row for
 * row; a malformed message and an unknown schema id land in the errors table while the job runs on;
 * and a job whose TaskManager dies restores from its checkpoint with nothing lost or duplicated.
 */
class DebeziumKafkaSourceITCase {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static SchemaRegistryStandIn registry;

    @TempDir Path dir;

    @BeforeAll
    static void startRegistry() {
        registry = SchemaRegistryStandIn.start("syncline", "registry-secret");
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void jsonAndAvroTopicsReachTheTargetRowForRowAndBadMessagesTheErrorsTable() throws Exception {
        String name = "dbz_rows";
        try (DebeziumTopicWorkload workload =
                new DebeziumTopicWorkload(name, KAFKA.server(), registry)) {
            workload.writeTransactions(20);
            workload.writeMalformedJson();
            JobClient job = start(name, workload);
            try {
                workload.writeTransactions(20);
                workload.alterProducts();
                workload.writeTransactions(20);
                workload.writeUnknownSchemaId();
                awaitTargetEqualsExpected(name, workload);

                // The job runs on after both errors: what comes after them arrives too.
                workload.writeTransactions(10);
                awaitTargetEqualsExpected(name, workload);
                assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
                assertThat(errorCodes(name))
                        .containsExactlyEntriesOf(
                                new TreeMap<>(
                                        Map.of(
                                                ErrorCodes.DEBEZIUM_MALFORMED, 1L,
                                                ErrorCodes.DEBEZIUM_UNKNOWN_SCHEMA, 1L)));
                assertExactlyOnce(name, workload);
                assertThat(
                                TableRows.query(
                                        target(name),
                                        "SELECT count(*) FROM products WHERE note IS NOT NULL"))
                        .as("products written after the schema change carry the new column")
                        .isNotEqualTo(List.of(List.of("0")));
            } finally {
                Poll.cancel(job);
            }
        }
    }

    @Test
    void aJobWhoseTaskManagerDiesRestoresFromItsCheckpointWithoutLossOrDuplicates(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        String name = "dbz_crash";
        try (DebeziumTopicWorkload workload =
                new DebeziumTopicWorkload(name, KAFKA.server(), registry)) {
            workload.writeTransactions(30);
            JobClient job = start(name, workload);
            try {
                awaitTargetEqualsExpected(name, workload);
                // Committed to the change topic means a checkpoint completed after these.
                readChanges(name, workload.expectedEventIds().size());

                workload.writeTransactions(30);
                cluster.terminateTaskManager(0).get();
                workload.writeTransactions(30);
                workload.alterProducts();
                workload.writeMalformedJson();
                cluster.startTaskManager();
                workload.writeTransactions(30);
                workload.writeUnknownSchemaId();

                awaitTargetEqualsExpected(name, workload);
                assertExactlyOnce(name, workload);
                assertThat(errorCodes(name))
                        .containsExactlyEntriesOf(
                                new TreeMap<>(
                                        Map.of(
                                                ErrorCodes.DEBEZIUM_MALFORMED, 1L,
                                                ErrorCodes.DEBEZIUM_UNKNOWN_SCHEMA, 1L)));
                AccessExecutionGraph graph = cluster.getExecutionGraph(job.getJobID()).get();
                assertThat(graph.getStatusTimestamp(JobStatus.RESTARTING))
                        .as("the job restarted after the task manager died")
                        .isPositive();
                assertThat(graph.getCheckpointStatsSnapshot().getLatestRestoredCheckpoint())
                        .as("the job restored its offsets and state from a checkpoint")
                        .isNotNull();
            } finally {
                Poll.cancel(job);
            }
        }
    }

    private JobClient start(String name, DebeziumTopicWorkload workload) throws Exception {
        POSTGRES.server().createDatabase(targetDb(name));
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml(name, workload));
        SynclineConfig config = ConfigLoader.load(file);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        SyncJobFactory.create(config).build(env);
        return env.executeAsync(config.job().name());
    }

    private String yaml(String name, DebeziumTopicWorkload workload) {
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
                tenants: [acme, globex]
                sources:
                  - id: erp
                    type: debezium-kafka
                    topics: [%3$s]
                    groupId: it-%1$s-erp
                    tables:
                      - table: public.customers
                        entityType: customer
                        primaryKey: [id]
                        tenantColumn: tenant_id
                        columns: {id: bigint, tenant_id: text, name: text, balance: "numeric(12,2)",
                                  updated_at: timestamp}
                      - table: public.orders
                        entityType: order
                        primaryKey: [id]
                        tenantColumn: tenant_id
                        columns: {id: bigint, tenant_id: text, customer_id: bigint,
                                  amount: "numeric(12,2)", status: text}
                  - id: shop
                    type: debezium-kafka
                    format: avro
                    schemaRegistry: {url: "%4$s", username: syncline, password: registry-secret}
                    topics: [%5$s]
                    groupId: it-%1$s-shop
                    tables:
                      - table: inventory.products
                        entityType: product
                        primaryKey: [id]
                        tenantColumn: tenant_id
                        columns: {id: bigint, tenant_id: text, name: text, price: "numeric(10,2)",
                                  added_at: timestamp, note: text}
                sinks:
                  kafka:
                    bootstrapServers: %6$s
                    changeTopic: changes-%1$s
                    errorTopic: errors-%1$s
                    controlTopic: control-%1$s
                    transactionalIdPrefix: it-%1$s
                  target:
                    url: %7$s
                    username: %8$s
                    password: %9$s
                    batchInterval: 100ms
                """
                .formatted(
                        name,
                        dir.resolve("checkpoints-" + name).toUri(),
                        String.join(", ", workload.erpTopics()),
                        registry.url(),
                        String.join(", ", workload.shopTopics()),
                        KAFKA.bootstrapServers(),
                        POSTGRES.server().jdbcUrl(targetDb(name)),
                        POSTGRES.server().username(),
                        POSTGRES.server().password());
    }

    private static String targetDb(String name) {
        return "tgt_" + name;
    }

    private static Connection target(String name) throws SQLException {
        return POSTGRES.server().connect(targetDb(name));
    }

    /** Waits until every target table holds exactly the rows the workload expects. */
    private static void awaitTargetEqualsExpected(String name, DebeziumTopicWorkload workload)
            throws Exception {
        Map<String, String> columns =
                Map.of(
                        "customers", DebeziumTopicWorkload.CUSTOMER_COLUMNS,
                        "orders", DebeziumTopicWorkload.ORDER_COLUMNS,
                        "products", DebeziumTopicWorkload.PRODUCT_COLUMNS);
        try {
            Poll.until(
                    TIMEOUT,
                    "the target tables of " + name + " to equal the expected rows",
                    () -> {
                        for (Map.Entry<String, String> table : columns.entrySet()) {
                            if (!rows(name, table.getKey(), table.getValue())
                                    .equals(workload.expectedRows(table.getKey()))) {
                                return false;
                            }
                        }
                        return true;
                    });
        } catch (AssertionError e) {
            // Show the difference rather than only that there is one.
            for (Map.Entry<String, String> table : columns.entrySet()) {
                assertThat(rows(name, table.getKey(), table.getValue()))
                        .as("rows of %s", table.getKey())
                        .containsExactlyElementsOf(workload.expectedRows(table.getKey()));
            }
            throw e;
        }
    }

    private static List<List<String>> rows(String name, String table, String columns)
            throws SQLException {
        try (Connection connection = target(name)) {
            return TableRows.query(
                    connection,
                    "SELECT " + columns + ", _syncline_deleted FROM " + table + " ORDER BY id");
        } catch (SQLException e) {
            // The job creates the tables when it starts.
            if ("42P01".equals(e.getSQLState())) {
                return List.of();
            }
            throw e;
        }
    }

    /** Every change the workload made is in the change topic once, and nothing else is. */
    private static void assertExactlyOnce(String name, DebeziumTopicWorkload workload)
            throws Exception {
        List<ChangeEvent> changes = readChanges(name, workload.expectedEventIds().size());
        Map<String, Long> counts =
                changes.stream()
                        .collect(
                                Collectors.groupingBy(
                                        ChangeEvent::getEventId, Collectors.counting()));
        assertThat(counts.values()).as("changes written more than once").allMatch(n -> n == 1);
        assertThat(counts.keySet())
                .containsExactlyInAnyOrderElementsOf(workload.expectedEventIds());
    }

    /** Reads the change topic until it holds {@code count} changes, and a little longer. */
    private static List<ChangeEvent> readChanges(String name, int count) {
        try (TopicReader reader = new TopicReader(KAFKA.bootstrapServers(), "changes-" + name)) {
            List<ConsumerRecord<byte[], byte[]>> records =
                    reader.readUntil(read -> read.size() >= count, TIMEOUT, Duration.ofSeconds(3));
            assertThat(records)
                    .as("changes in changes-%s", name)
                    .hasSizeGreaterThanOrEqualTo(count);
            return records.stream().map(DebeziumKafkaSourceITCase::change).toList();
        }
    }

    private static ChangeEvent change(ConsumerRecord<byte[], byte[]> record) {
        try {
            return ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The errors table's rows by code. */
    private static Map<String, Long> errorCodes(String name) throws Exception {
        Function<List<String>, String> code = row -> row.get(0);
        Poll.until(
                TIMEOUT,
                "two rows in the errors table of " + name,
                () -> errorRows(name).size() >= 2);
        return errorRows(name).stream()
                .collect(Collectors.groupingBy(code, TreeMap::new, Collectors.counting()));
    }

    private static List<List<String>> errorRows(String name) throws SQLException {
        try (Connection connection = target(name)) {
            return TableRows.query(connection, "SELECT code FROM syncline_errors ORDER BY code");
        }
    }
}

package io.syncline.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.CliRun;
import io.syncline.jobs.Poll;
import io.syncline.jobs.TopicReader;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.faults.SequencedWorkload;
import io.syncline.schema.AuditKind;
import io.syncline.schema.AuditRecord;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.Operation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of the sync job (MiniCluster, parallelism 2, real PostgreSQL and Kafka): every
 * delivered change has exactly one audit row and one audit record on the topic, read committed,
 * with its source position, transaction, version and sinks; {@code syncline lineage} prints an
 * entity's create, rejected update, update and delete in order.
 */
class AuditITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Logger LOG = LoggerFactory.getLogger(AuditITCase.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String SOURCE = "src_audit";
    private static final String TARGET = "tgt_audit";
    private static final String CHANGE_TOPIC = "changes-audit";
    private static final String AUDIT_TOPIC = "audit-audit";

    /** Changes the test delivers: 1, then 7 created, updated and deleted, then 8 and 9 at once. */
    private static final int DELIVERED = 6;

    @TempDir Path dir;

    @Test
    void everyDeliveredChangeIsAuditedOnceAndLineageTellsTheEntitysHistory() throws Exception {
        POSTGRES.createDatabase(SOURCE);
        POSTGRES.createDatabase(TARGET);
        POSTGRES.execute(
                SOURCE,
                "CREATE TABLE customers (id BIGINT PRIMARY KEY, tenant_id TEXT NOT NULL,"
                        + " name TEXT NOT NULL, credit_limit NUMERIC(12,2) NOT NULL)",
                "ALTER TABLE customers REPLICA IDENTITY FULL");
        Path config = config();
        JobClient job = SequencedWorkload.startSyncJob(ConfigLoader.load(config));
        try {
            // Once customer 1 is in the target the job streams: what follows are changes.
            source("INSERT INTO customers VALUES (1, 'acme', 'Initial', 10)");
            awaitTarget("customer 1", "SELECT count(*) FROM customers WHERE id = 1");
            source("INSERT INTO customers VALUES (7, 'acme', 'Ada', 100)");
            awaitTarget("customer 7", "SELECT count(*) FROM customers WHERE id = 7");
            source("UPDATE customers SET credit_limit = -5 WHERE id = 7");
            awaitTarget(
                    "the rejected update of customer 7",
                    "SELECT count(*) FROM syncline_errors WHERE entity_key = 'acme/customer/7'");
            source("UPDATE customers SET credit_limit = 200 WHERE id = 7");
            awaitTarget(
                    "the update of customer 7",
                    "SELECT count(*) FROM customers WHERE id = 7 AND credit_limit = 200");
            source("DELETE FROM customers WHERE id = 7");
            awaitTarget(
                    "the delete of customer 7",
                    "SELECT count(*) FROM customers WHERE id = 7 AND _syncline_deleted");
            source(
                    "INSERT INTO customers VALUES (8, 'globex', 'Grace', 50),"
                            + " (9, 'globex', 'Alan', 60)");

            List<ChangeEvent> changes = readChanges();
            assertThat(changes).hasSize(DELIVERED);
            awaitTarget(
                    DELIVERED + " audit rows",
                    "SELECT count(*) FROM syncline_audit HAVING count(*) >= " + DELIVERED);
            Map<String, AuditRecord> rows = auditRows();
            assertThat(rows).hasSize(DELIVERED);
            for (ChangeEvent change : changes) {
                String id = "change-" + change.getEventId() + "-" + change.getVersion();
                assertThat(rows).containsKey(id);
                assertThat(rows.get(id)).as(id).isEqualTo(expectedAudit(change, rows.get(id)));
            }
            assertThat(rows.values())
                    .filteredOn(r -> r.getEntityId().equals("8") || r.getEntityId().equals("9"))
                    .extracting(AuditRecord::getTransactionId)
                    .hasSize(2)
                    .doesNotContainNull()
                    .containsOnly(rows.get(idOf(changes, "8")).getTransactionId());

            List<AuditRecord> topic = readAuditTopic();
            assertThat(topic).hasSize(DELIVERED);
            assertThat(topic).containsExactlyInAnyOrderElementsOf(rows.values());

            CliRun lineage =
                    CliRun.of(
                            "lineage",
                            "-c",
                            config.toString(),
                            "--tenant",
                            "acme",
                            "--entity",
                            "customer",
                            "--id",
                            "7");
            LOG.info("syncline lineage printed:\n{}{}", lineage.out(), lineage.err());
            assertThat(lineage.exitCode()).as(lineage.err()).isZero();
            List<String> lines = lineage.out().lines().toList();
            assertThat(lines.get(0))
                    .isEqualTo("customer 7 of tenant acme: 4 entries, oldest first");
            assertThat(lines.get(1).split("\\s+"))
                    .containsExactly(
                            "TIME",
                            "WHAT",
                            "SOURCE",
                            "POSITION",
                            "TX",
                            "VERSION",
                            "RULES",
                            "DETAIL");
            assertThat(lines.subList(2, lines.size()))
                    .satisfiesExactly(
                            line -> assertThat(line).contains("change CREATE", "v1"),
                            line -> assertThat(line).contains("error RULE_RANGE", "open"),
                            line -> assertThat(line).contains("change UPDATE", "v1"),
                            line -> assertThat(line).contains("change DELETE", "v1"));
            ChangeEvent delete =
                    changes.stream()
                            .filter(c -> c.getOp() == Operation.DELETE)
                            .findFirst()
                            .orElseThrow();
            assertThat(lines.get(5))
                    .contains(
                            delete.getSourcePosition(),
                            delete.getTransactionId(),
                            Long.toString(delete.getVersion()),
                            "sinks: table:public.customers@" + delete.getVersion(),
                            "topic:" + CHANGE_TOPIC);

            CliRun json =
                    CliRun.of(
                            "lineage",
                            "-c",
                            config.toString(),
                            "--tenant",
                            "acme",
                            "--entity",
                            "customer",
                            "--id",
                            "7",
                            "--json");
            LOG.info("syncline lineage --json printed:\n{}", json.out());
            assertThat(json.exitCode()).isZero();
            JsonNode entries = new ObjectMapper().readTree(json.out()).path("entries");
            assertThat(entries.findValuesAsText("what"))
                    .containsExactly("CREATE", "RULE_RANGE", "UPDATE", "DELETE");

            assertThat(
                            CliRun.of(
                                            "lineage",
                                            "-c",
                                            config.toString(),
                                            "--tenant",
                                            "acme",
                                            "--entity",
                                            "customer",
                                            "--id",
                                            "404")
                                    .exitCode())
                    .isEqualTo(1);
            assertThat(
                            CliRun.of(
                                            "lineage",
                                            "-c",
                                            config.toString(),
                                            "--tenant",
                                            "acme",
                                            "--entity",
                                            "invoice",
                                            "--id",
                                            "7")
                                    .exitCode())
                    .isEqualTo(2);
        } finally {
            Poll.cancel(job);
        }
    }

    /** What the audit record of {@code change} must say; job version as the row has it. */
    private static AuditRecord expectedAudit(ChangeEvent change, AuditRecord row) {
        return AuditRecord.newBuilder()
                .setAuditId("change-" + change.getEventId() + "-" + change.getVersion())
                .setKind(AuditKind.CHANGE)
                .setTime(change.getCaptureTime())
                .setTenant(change.getTenant())
                .setEntityType("customer")
                .setEntityId(change.getEntityId())
                .setEventId(change.getEventId())
                .setOp(change.getOp().name())
                .setSourceId("customers_audit")
                .setSourcePosition(change.getSourcePosition())
                .setTransactionId(change.getTransactionId())
                .setSourceCommitTime(change.getSourceCommitTime())
                .setVersion(change.getVersion())
                .setRuleSetVersion(1)
                .setSinks(
                        List.of(
                                "table:public.customers@" + change.getVersion(),
                                "topic:" + CHANGE_TOPIC))
                .setJobName("audit-it")
                .setJobVersion(row.getJobVersion())
                .build();
    }

    private static String idOf(List<ChangeEvent> changes, String entityId) {
        ChangeEvent change =
                changes.stream()
                        .filter(c -> c.getEntityId().equals(entityId))
                        .findFirst()
                        .orElseThrow();
        return "change-" + change.getEventId() + "-" + change.getVersion();
    }

    private static List<ChangeEvent> readChanges() throws Exception {
        try (TopicReader reader =
                new TopicReader(KAFKA.server().bootstrapServers(), CHANGE_TOPIC)) {
            List<ChangeEvent> changes = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record :
                    reader.readUntil(
                            read -> read.size() >= DELIVERED, TIMEOUT, Duration.ofSeconds(2))) {
                changes.add(ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value())));
            }
            return changes;
        }
    }

    private static List<AuditRecord> readAuditTopic() throws Exception {
        try (TopicReader reader = new TopicReader(KAFKA.server().bootstrapServers(), AUDIT_TOPIC)) {
            List<AuditRecord> records = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record :
                    reader.readUntil(
                            read -> read.size() >= DELIVERED, TIMEOUT, Duration.ofSeconds(2))) {
                AuditRecord audit =
                        AuditRecord.getDecoder().decode(ByteBuffer.wrap(record.value()));
                assertThat(new String(record.key(), StandardCharsets.UTF_8))
                        .isEqualTo(audit.getAuditId());
                records.add(audit);
            }
            return records;
        }
    }

    /** The audit table's rows, by audit id, read back into records. */
    private static Map<String, AuditRecord> auditRows() throws SQLException {
        Map<String, AuditRecord> rows = new LinkedHashMap<>();
        try (Connection target = POSTGRES.connect(TARGET);
                Statement statement = target.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT * FROM syncline_audit WHERE kind = 'CHANGE'"
                                        + " ORDER BY audit_time")) {
            while (result.next()) {
                Array sinks = result.getArray("sinks");
                AuditRecord record =
                        AuditRecord.newBuilder()
                                .setAuditId(result.getString("audit_id"))
                                .setKind(AuditKind.CHANGE)
                                .setTime(
                                        result.getObject("audit_time", OffsetDateTime.class)
                                                .toInstant())
                                .setTenant(result.getString("tenant"))
                                .setEntityType(result.getString("entity_type"))
                                .setEntityId(result.getString("entity_id"))
                                .setEventId(result.getString("event_id"))
                                .setOp(result.getString("op"))
                                .setSourceId(result.getString("source_id"))
                                .setSourcePosition(result.getString("source_position"))
                                .setTransactionId(result.getString("transaction_id"))
                                .setSourceCommitTime(
                                        result.getObject("source_commit_time", OffsetDateTime.class)
                                                .toInstant())
                                .setVersion(result.getLong("version"))
                                .setRuleSetVersion((Integer) result.getObject("rule_set_version"))
                                .setDecision(result.getString("decision"))
                                .setSinks(Arrays.asList((String[]) sinks.getArray()))
                                .setJobName(result.getString("job_name"))
                                .setJobVersion(result.getString("job_version"))
                                .setActor(result.getString("actor"))
                                .setCommandId(result.getString("command_id"))
                                .setCommandType(result.getString("command_type"))
                                .setDetail(result.getString("detail"))
                                .build();
                rows.put(record.getAuditId(), record);
            }
        }
        return rows;
    }

    private static void source(String sql) {
        POSTGRES.execute(SOURCE, sql);
    }

    /** Waits until {@code countSql} on the target counts at least one row (or has a row). */
    private static void awaitTarget(String what, String countSql) throws Exception {
        Poll.until(
                TIMEOUT,
                what,
                () -> {
                    try (Connection target = POSTGRES.connect(TARGET);
                            Statement statement = target.createStatement();
                            ResultSet result = statement.executeQuery(countSql)) {
                        return result.next() && result.getLong(1) > 0;
                    } catch (SQLException e) {
                        // The job creates the target tables as it starts.
                        return false;
                    }
                });
    }

    private Path config() throws Exception {
        Files.writeString(
                dir.resolve("rules.yaml"),
                """
                version: 1
                entities:
                  customer:
                    level: strict
                    rules:
                      - {type: range, field: credit_limit, min: 0}
                """);
        Path file = dir.resolve("syncline.yaml");
        Files.writeString(
                file,
                """
                job:
                  name: audit-it
                  parallelism: 2
                checkpoints:
                  interval: 1s
                  directory: %1$s
                tenants: [acme, globex]
                sources:
                  - id: customers_audit
                    hostname: %2$s
                    port: %3$d
                    database: %4$s
                    username: %5$s
                    password: %6$s
                    tables:
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: %7$s
                    changeTopic: %8$s
                    errorTopic: errors-audit
                    controlTopic: control-audit
                    conflictTopic: conflicts-audit
                    qualityTopic: quality-audit
                    alertTopic: alerts-audit
                    auditTopic: %9$s
                    transactionalIdPrefix: audit-it
                  target:
                    url: %10$s
                    username: %5$s
                    password: %6$s
                    batchInterval: 100ms
                validation:
                  rules: rules.yaml
                observability:
                  enabled: false
                """
                        .formatted(
                                dir.resolve("checkpoints").toUri(),
                                POSTGRES.server().host(),
                                POSTGRES.server().port(),
                                SOURCE,
                                POSTGRES.server().username(),
                                POSTGRES.server().password(),
                                KAFKA.server().bootstrapServers(),
                                CHANGE_TOPIC,
                                AUDIT_TOPIC,
                                POSTGRES.server().jdbcUrl(TARGET)));
        return file;
    }
}

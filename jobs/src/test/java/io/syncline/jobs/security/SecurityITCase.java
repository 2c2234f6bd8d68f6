package io.syncline.jobs.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.CliRun;
import io.syncline.jobs.LogCapture;
import io.syncline.jobs.Poll;
import io.syncline.jobs.TopicReader;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.faults.SequencedWorkload;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.protect.DataKeys;
import io.syncline.operators.protect.FieldCipher;
import io.syncline.operators.protect.FieldContext;
import io.syncline.operators.protect.FieldDecryptionException;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protect stage in the running sync job (MiniCluster, parallelism 2, real PostgreSQL and
 * Kafka): encrypted fields reach the target and the change topic encrypted under their tenant's or
 * subject's key and decrypt back; a value of one tenant or field does not decrypt as another's; a
 * key rotation reaches the running job and old values stay readable; no confidential value appears
 * in the logs, the error topic or the errors table; an erasure removes the subject from the
 * targets, makes its copies on the change topic unreadable, and neither a later change nor a
 * re-sync brings it back.
 */
class SecurityITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Logger LOG = LoggerFactory.getLogger(SecurityITCase.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String SOURCE = "src_security";
    private static final String TARGET = "tgt_security";
    private static final String CHANGES = "changes-security";
    private static final String ERRORS = "errors-security";

    private final FieldCipher cipher = new FieldCipher();

    /** Contracts written after the rotation, until one arrives under the new key version. */
    private long nextContract = 200;

    /** Every confidential value the workload writes: none may show up in logs or errors. */
    private final List<String> secrets = new ArrayList<>();

    @TempDir Path dir;

    @Test
    void fieldsAreEncryptedPerTenantConfidentialValuesNeverLeakAndAnErasedSubjectStaysErased()
            throws Exception {
        POSTGRES.server().createDatabase(SOURCE);
        POSTGRES.server().createDatabase(TARGET);
        POSTGRES.server()
                .execute(
                        SOURCE,
                        "CREATE TABLE customers (id BIGINT PRIMARY KEY, tenant_id TEXT, name TEXT,"
                                + " email TEXT, ssn TEXT, credit_limit NUMERIC(12,2))",
                        "CREATE TABLE contracts (id BIGINT PRIMARY KEY, tenant_id TEXT,"
                                + " customer_id BIGINT, notes TEXT, amount NUMERIC(12,2))",
                        "ALTER TABLE customers REPLICA IDENTITY FULL",
                        "ALTER TABLE contracts REPLICA IDENTITY FULL");
        Path configFile = writeConfig();
        SynclineConfig config = ConfigLoader.load(configFile);

        CliRun init = CliRun.of("keys", "init", "-c", configFile.toString());
        assertThat(init.exitCode()).as(init.out() + init.err()).isZero();

        for (long id = 1; id <= 8; id++) {
            insertCustomer(id, id <= 5 ? "acme" : "globex", 1000);
            insertContract(100 + id, id <= 5 ? "acme" : "globex", id);
        }
        // Rejected by the rule set (credit limit below 0): its values go to the error queue.
        insertCustomer(99, "acme", -5);

        try (LogCapture logs = new LogCapture(Level.INFO);
                DataKeys keys = SyncJobFactory.dataKeysOf(config).open()) {
            JobClient job = SequencedWorkload.startSyncJob(config);
            try {
                Poll.until(
                        TIMEOUT,
                        "8 customers and 8 contracts in the target",
                        () -> count("customers") == 8 && count("contracts") == 8);

                // Encrypted under the subject's key (customers) or the tenant's (contracts), and
                // back to the source's values.
                Map<String, String> ada = targetRow("customers", 1);
                assertThat(ada.get("email")).startsWith("syncline:v1:acme/");
                assertThat(ada.get("ssn")).startsWith("syncline:v1:acme/");
                assertThat(decrypt(keys, "acme", "customer", "email", ada.get("email")))
                        .isEqualTo(email(1));
                assertThat(decrypt(keys, "acme", "customer", "ssn", ada.get("ssn")))
                        .isEqualTo(ssn(1));
                assertThat(ada.get("name")).isEqualTo(name(1)); // confidential, not encrypted
                Map<String, String> globexContract = targetRow("contracts", 106);
                assertThat(globexContract.get("notes")).startsWith("syncline:v1:globex:1:");
                assertThat(
                                decrypt(
                                        keys,
                                        "globex",
                                        "contract",
                                        "notes",
                                        globexContract.get("notes")))
                        .isEqualTo(notes(106));

                // A value copied to another tenant or another field does not decrypt.
                String globexEmail = targetRow("customers", 6).get("email");
                assertThatThrownBy(() -> decrypt(keys, "acme", "customer", "email", globexEmail))
                        .isInstanceOf(FieldDecryptionException.class);
                assertThatThrownBy(() -> decrypt(keys, "acme", "customer", "ssn", ada.get("email")))
                        .isInstanceOf(FieldDecryptionException.class)
                        .hasMessageNotContaining(email(1));

                // The change topic carries the same encrypted values.
                ChangeEvent adaOnTopic = changesOf("acme/customer/1").get(0);
                assertThat(adaOnTopic.getAfter().get("email").getValue().toString())
                        .startsWith("syncline:v1:acme/");

                // Rotation: the running job encrypts new values under version 2; version 1 values
                // stay readable.
                CliRun rotate =
                        CliRun.of(
                                "keys", "rotate", "-c", configFile.toString(), "--tenant", "acme");
                assertThat(rotate.exitCode()).as(rotate.out() + rotate.err()).isZero();
                Poll.until(
                        TIMEOUT,
                        "a contract written after the rotation under version 2",
                        () -> {
                            insertContract(nextContract++, "acme", 2);
                            return lastAcmeNotes().startsWith("syncline:v1:acme:2:");
                        });
                String oldNotes = targetRow("contracts", 101).get("notes");
                assertThat(oldNotes).startsWith("syncline:v1:acme:1:");
                assertThat(decrypt(keys, "acme", "contract", "notes", oldNotes))
                        .isEqualTo(notes(101));

                // The rejected customer's error: on the topic and in the table, without its values.
                List<ErrorRecord> errors = errorsOf("acme/customer/99");
                assertThat(errors).isNotEmpty();
                for (ErrorRecord error : errors) {
                    assertThat(error.toString()).doesNotContain(secretsOf(99));
                    assertThat(error.getChange().getAfter().get("email").getValue().toString())
                            .startsWith("syncline:v1:acme/");
                }
                assertThat(errorsTableText()).isNotEmpty().doesNotContain(secretsOf(99));

                // Erasure of customer 1 of acme.
                CliRun erase =
                        CliRun.of(
                                "erase",
                                "-c",
                                configFile.toString(),
                                "--tenant",
                                "acme",
                                "--subject",
                                "1",
                                "--settle",
                                "2s");
                LOG.info("syncline erase printed:\n{}", erase.out());
                assertThat(erase.exitCode()).as(erase.out() + erase.err()).isZero();
                assertThat(erase.out()).contains("subject key: destroyed").doesNotContain(email(1));
                Map<String, String> erased = targetRow("customers", 1);
                assertThat(erased.get("_syncline_deleted")).isEqualTo("t");
                assertThat(erased.get("email")).isNull();
                assertThat(erased.get("name")).isNull();
                assertThat(targetRow("contracts", 101).get("_syncline_deleted")).isEqualTo("t");
                // Its copies on the change topic can no longer be read (by anyone: this key ring
                // had the subject's key cached until now); a tombstone follows them.
                keys.refresh();
                assertThatThrownBy(
                                () ->
                                        decrypt(
                                                keys,
                                                "acme",
                                                "customer",
                                                "email",
                                                adaOnTopic
                                                        .getAfter()
                                                        .get("email")
                                                        .getValue()
                                                        .toString()))
                        .isInstanceOf(FieldDecryptionException.class);
                assertThat(tombstones()).contains("acme/customer/1", "acme/contract/101");

                // A later change of the subject, a new contract of it and a re-sync of it do not
                // bring it back; customer 2, written after them, arrives.
                execute("UPDATE customers SET credit_limit = 2000 WHERE id = 1");
                insertContract(300, "acme", 1);
                CliRun resync =
                        CliRun.of(
                                "resync",
                                "-c",
                                configFile.toString(),
                                "--tenant",
                                "acme",
                                "--entity",
                                "customer",
                                "--id",
                                "1",
                                "--wait",
                                "2m");
                assertThat(resync.exitCode()).as(resync.out() + resync.err()).isZero();
                execute("UPDATE customers SET credit_limit = 3000 WHERE id = 2");
                Poll.until(
                        TIMEOUT,
                        "customer 2's later change in the target",
                        () -> "3000.00".equals(targetRow("customers", 2).get("credit_limit")));
                assertThat(targetRow("customers", 1).get("email")).isNull();
                assertThat(targetRow("customers", 1).get("_syncline_deleted")).isEqualTo("t");
                assertThat(targetRowOrNull("contracts", 300)).isNull();
            } finally {
                Poll.cancel(job);
            }
            List<String> leaked =
                    logs.lines().stream()
                            .filter(line -> secrets.stream().anyMatch(line::contains))
                            .toList();
            assertThat(logs.lines()).isNotEmpty();
            assertThat(leaked).as("log lines with a confidential value").isEmpty();
        }
    }

    private Path writeConfig() throws Exception {
        Files.writeString(
                dir.resolve("rules.yaml"),
                """
                version: 1
                entities:
                  customer:
                    rules:
                      - {type: range, field: credit_limit, min: 0}
                """);
        Path file = dir.resolve("syncline.yaml");
        Files.writeString(
                file,
                """
                job: {name: it-security, parallelism: 2}
                checkpoints: {interval: 1s, directory: %1$s}
                restart: {initialBackoff: 200ms, maxBackoff: 2s}
                tenants: [acme, globex]
                sources:
                  - id: crm_security
                    hostname: %2$s
                    port: %3$d
                    database: %4$s
                    username: %5$s
                    password: %6$s
                    tables:
                      - {table: public.customers, entityType: customer, tenantColumn: tenant_id}
                      - {table: public.contracts, entityType: contract, tenantColumn: tenant_id}
                sinks:
                  kafka:
                    bootstrapServers: %7$s
                    changeTopic: %8$s
                    errorTopic: %9$s
                    controlTopic: control-security
                    transactionalIdPrefix: it-security
                  target:
                    url: %10$s
                    username: %5$s
                    password: %6$s
                    batchInterval: 100ms
                validation:
                  rules: rules.yaml
                observability: {enabled: false}
                security:
                  keys:
                    service: pkcs12
                    keyStore: keys.p12
                    password: it-keystore-secret
                  entities:
                    customer:
                      subject: id
                      subjectKeys: true
                      fields:
                        name: confidential
                        email: {class: confidential, encrypt: true}
                        ssn: {class: restricted, encrypt: true}
                    contract:
                      subject: customer_id
                      fields:
                        notes: {class: confidential, encrypt: true}
                """
                        .formatted(
                                dir.resolve("checkpoints").toUri(),
                                POSTGRES.server().host(),
                                POSTGRES.server().port(),
                                SOURCE,
                                POSTGRES.server().username(),
                                POSTGRES.server().password(),
                                KAFKA.server().bootstrapServers(),
                                CHANGES,
                                ERRORS,
                                POSTGRES.server().jdbcUrl(TARGET)));
        return file;
    }

    private static String email(long id) {
        return "customer" + id + ".private@example.com";
    }

    private static String ssn(long id) {
        return "SSN-" + id + "-474747";
    }

    private static String name(long id) {
        return "Confidential Name " + id;
    }

    private static String notes(long id) {
        return "private note of contract " + id;
    }

    private String[] secretsOf(long id) {
        return new String[] {email(id), ssn(id), name(id)};
    }

    private void insertCustomer(long id, String tenant, int creditLimit) throws SQLException {
        secrets.addAll(List.of(secretsOf(id)));
        execute(
                "INSERT INTO customers VALUES (%d, '%s', '%s', '%s', '%s', %d)"
                        .formatted(id, tenant, name(id), email(id), ssn(id), creditLimit));
    }

    private void insertContract(long id, String tenant, long customerId) throws SQLException {
        secrets.add(notes(id));
        execute(
                "INSERT INTO contracts VALUES (%d, '%s', %d, '%s', 10.00)"
                        .formatted(id, tenant, customerId, notes(id)));
    }

    private static void execute(String sql) throws SQLException {
        POSTGRES.server().execute(SOURCE, sql);
    }

    private static long count(String table) throws SQLException {
        try (Connection target = POSTGRES.connect(TARGET);
                Statement statement = target.createStatement();
                ResultSet rows =
                        statement.executeQuery(
                                "SELECT count(*) FROM " + table + " WHERE NOT _syncline_deleted")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Map<String, String> targetRow(String table, long id) throws SQLException {
        Map<String, String> row = targetRowOrNull(table, id);
        assertThat(row).as(table + " " + id + " in the target").isNotNull();
        return row;
    }

    private static Map<String, String> targetRowOrNull(String table, long id) throws SQLException {
        try (Connection target = POSTGRES.connect(TARGET);
                Statement statement = target.createStatement();
                ResultSet rows =
                        statement.executeQuery("SELECT * FROM " + table + " WHERE id = " + id)) {
            if (!rows.next()) {
                return null;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                row.put(rows.getMetaData().getColumnName(i), rows.getString(i));
            }
            return row;
        }
    }

    private static String lastAcmeNotes() throws SQLException {
        try (Connection target = POSTGRES.connect(TARGET);
                Statement statement = target.createStatement();
                ResultSet rows =
                        statement.executeQuery(
                                "SELECT notes FROM contracts WHERE tenant_id = 'acme' AND id >= 200"
                                        + " ORDER BY id DESC LIMIT 1")) {
            return rows.next() ? rows.getString(1) : "";
        }
    }

    private static String errorsTableText() throws SQLException {
        StringBuilder text = new StringBuilder();
        try (Connection target = POSTGRES.connect(TARGET);
                Statement statement = target.createStatement();
                ResultSet rows = statement.executeQuery("SELECT * FROM syncline_errors")) {
            while (rows.next()) {
                for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                    Object value = rows.getObject(i);
                    text.append(
                                    value instanceof byte[] bytes
                                            ? new String(bytes, StandardCharsets.UTF_8)
                                            : String.valueOf(value))
                            .append('|');
                }
                text.append('\n');
            }
        }
        return text.toString();
    }

    private String decrypt(
            DataKeys keys, String tenant, String entityType, String field, String value) {
        return cipher.decrypt(value, new FieldContext(tenant, entityType, field), keys);
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        try (TopicReader reader = new TopicReader(KAFKA.server().bootstrapServers(), topic)) {
            return reader.readUntil(read -> false, Duration.ofSeconds(3), Duration.ZERO);
        }
    }

    private static List<ChangeEvent> changesOf(String entityKey) throws Exception {
        List<ChangeEvent> changes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records(CHANGES)) {
            if (record.value() != null
                    && entityKey.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                changes.add(ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value())));
            }
        }
        return changes;
    }

    private static List<String> tombstones() {
        return records(CHANGES).stream()
                .filter(record -> record.value() == null)
                .map(record -> new String(record.key(), StandardCharsets.UTF_8))
                .toList();
    }

    private static List<ErrorRecord> errorsOf(String key) throws Exception {
        List<ErrorRecord> errors = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records(ERRORS)) {
            ErrorRecord error = ErrorRecord.getDecoder().decode(ByteBuffer.wrap(record.value()));
            if (key.equals(error.getKey())) {
                errors.add(error);
            }
        }
        return errors;
    }
}

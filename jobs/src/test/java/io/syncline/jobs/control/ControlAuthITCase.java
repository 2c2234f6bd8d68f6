package io.syncline.jobs.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.CliRun;
import io.syncline.jobs.Poll;
import io.syncline.jobs.TopicReader;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.config.RuleFiles;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.control.ControlCommands;
import io.syncline.operators.control.ControlSignatures;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.schema.Alert;
import io.syncline.schema.AlertSeverity;
import io.syncline.schema.AlertStatus;
import io.syncline.schema.ChangeEvent;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed control commands against the running sync job (MiniCluster, parallelism 2, real PostgreSQL
 * and Kafka), configured with a steward's and an operator's key: a rule set that is unsigned,
 * signed by the operator (whose role may not send rule sets) or signed but changed on the way is
 * refused (an error in the errors table, a critical security alert on the alert topic and in the
 * alerts table) and never put in force; the rule set the steward signs with {@code syncline rules
 * publish --signing-key} is.
 */
class ControlAuthITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Logger LOG = LoggerFactory.getLogger(ControlAuthITCase.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String NAME = "control_auth";
    private static final String STEWARD = "steward-ann";
    private static final String OPERATOR = "ops-ole";

    /** Over the limit of every rule set the test publishes, and valid without rules. */
    private static final String OVER_LIMIT = "500.00";

    @TempDir Path dir;

    private JobClient job;
    private long nextId = 1;

    @AfterEach
    void cancel() throws Exception {
        if (job != null) {
            Poll.cancel(job);
        }
    }

    @Test
    void onlyARuleSetSignedByARoleAllowedToSendItIsPutInForce() throws Exception {
        Path annKey = dir.resolve("ann.pem");
        Path oleKey = dir.resolve("ole.pem");
        Path config =
                writeConfig(
                        createSigner(STEWARD, "steward", annKey),
                        createSigner(OPERATOR, "operator", oleKey));
        SynclineConfig loaded = ConfigLoader.load(config);
        KafkaSinkSettings kafka = loaded.sinks().kafka();
        POSTGRES.createDatabase(sourceDb());
        POSTGRES.createDatabase(targetDb());
        POSTGRES.execute(
                sourceDb(),
                "CREATE TABLE accounts (id BIGINT PRIMARY KEY, tenant_id TEXT NOT NULL,"
                        + " balance NUMERIC(12,2) NOT NULL)");
        long first = insertAccount("50.00");
        start(loaded);
        awaitInTarget(first);

        // The command line will not publish unsigned where the job refuses unsigned commands.
        CliRun unsignedCli =
                CliRun.of("rules", "publish", rules(1, "100").toString(), "-c", config.toString());
        assertThat(unsignedCli.exitCode()).isEqualTo(2);
        assertThat(unsignedCli.err())
                .startsWith(
                        "the job refuses unsigned control commands (security.control in "
                                + config
                                + "); sign with --signing-key <file> (or SYNCLINE_SIGNING_KEY), the"
                                + " private key of one of its signers (steward-ann, ops-ole);"
                                + " nothing was published");
        assertThat(CliHarness.controlRecords(KAFKA.bootstrapServers(), kafka.controlTopic()))
                .isEmpty();

        // (a) Whoever can write to the topic publishes an unsigned rule set.
        try (ControlTopicPublisher intruder = new ControlTopicPublisher(kafka)) {
            intruder.publishRuleSet(RuleFiles.read(rules(1, "100")), "intruder");
            intruder.flush();
        }
        assertThat(awaitRefusal("rules-v1"))
                .contains(
                        "refused and not applied: unsigned: the record carries no"
                                + " syncline-signature header");
        long afterUnsigned = insertAccount(OVER_LIMIT);
        awaitInTarget(afterUnsigned);

        // (c) The operator's key signs a rule set, from a client that does not check roles.
        try (ControlTopicPublisher operator =
                new ControlTopicPublisher(
                        kafka,
                        Clock.systemUTC(),
                        new SigningKey(OPERATOR, privateKey(oleKey), null))) {
            operator.publishRuleSet(RuleFiles.read(rules(2, "100")), "syncline by " + OPERATOR);
            operator.flush();
        }
        assertThat(awaitRefusal("rules-v2"))
                .contains(
                        "refused and not applied: role operator of signer 'ops-ole' may not send"
                                + " RULE_SET commands; steward, admin may");
        long afterOperator = insertAccount(OVER_LIMIT);
        awaitInTarget(afterOperator);

        // (d) The steward signed a lenient rule set; a strict one goes out under its signature.
        sendTampered(
                kafka.controlTopic(), privateKey(annKey), rules(3, "1000000"), rules(3, "100"));
        assertThat(awaitRefusal("rules-v3"))
                .contains(
                        "refused and not applied: bad signature of signer 'steward-ann': the"
                                + " record was changed after it was signed");
        long afterTampered = insertAccount(OVER_LIMIT);
        awaitInTarget(afterTampered);

        // (b) The steward publishes a rule set signed with its key: it is put in force.
        CliRun signed =
                CliRun.of(
                        "rules",
                        "publish",
                        rules(4, "100").toString(),
                        "-c",
                        config.toString(),
                        "--signing-key",
                        annKey.toString());
        LOG.info("syncline rules publish --signing-key printed: {}", signed.out());
        assertThat(signed.exitCode()).as(signed.err()).isZero();
        assertThat(signed.out())
                .isEqualTo(
                        "published rule set version 4 to "
                                + kafka.controlTopic()
                                + ", signed by steward-ann\n");
        awaitJudgedByRuleSet(4);

        assertThat(refusals().keySet()).containsExactly("rules-v1", "rules-v2", "rules-v3");
        CliRun listed =
                CliRun.of(
                        "errors",
                        "list",
                        "--code",
                        ErrorCodes.CONTROL_COMMAND_UNAUTHORIZED,
                        "-c",
                        config.toString());
        LOG.info("syncline errors list printed:\n{}", listed.out());
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out()).endsWith("\n3 open errors\n");
        Map<String, List<String>> alertsTable = securityAlertsInTable();
        assertThat(alertsTable.keySet())
                .containsExactly(
                        "security/control/rules-v1",
                        "security/control/rules-v2",
                        "security/control/rules-v3");
        assertThat(alertsTable.values())
                .allSatisfy(
                        row -> assertThat(row).containsExactly("security", "critical", "firing"));
        List<Alert> alertTopic = awaitSecurityAlertsOnTopic(kafka.alertTopic(), 3);
        assertThat(alertTopic)
                .extracting(Alert::getCondition, Alert::getSeverity, Alert::getStatus)
                .containsExactly(
                        tuple(
                                "security/control/rules-v1",
                                AlertSeverity.CRITICAL,
                                AlertStatus.FIRING),
                        tuple(
                                "security/control/rules-v2",
                                AlertSeverity.CRITICAL,
                                AlertStatus.FIRING),
                        tuple(
                                "security/control/rules-v3",
                                AlertSeverity.CRITICAL,
                                AlertStatus.FIRING));
        LOG.info("the alert of the unsigned rule set: {}", alertTopic.get(0).getMessage());
        // No refused rule set was ever in force: the changes after them were judged by none.
        assertThat(ruleSetVersionsOf(List.of(first, afterUnsigned, afterOperator, afterTampered)))
                .containsOnly(0);
    }

    /** Runs {@code syncline signers create}; the signer's public key it printed. */
    private String createSigner(String name, String role, Path key) {
        CliRun run =
                CliRun.of(
                        "signers",
                        "create",
                        "--name",
                        name,
                        "--role",
                        role,
                        "--out",
                        key.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        LOG.info("syncline signers create printed:\n{}", run.out());
        Matcher publicKey = Pattern.compile("publicKey: (\\S+)").matcher(run.out());
        assertThat(publicKey.find()).as(run.out()).isTrue();
        return publicKey.group(1);
    }

    private static PrivateKey privateKey(Path pem) throws Exception {
        return ControlSignatures.privateKey(Files.readString(pem));
    }

    /**
     * Sends rule set {@code sent} with the headers of {@code signer}'s signature of rule set {@code
     * signed}, as someone who changed a signed record on its way would.
     */
    private void sendTampered(String topic, PrivateKey signer, Path signed, Path sent)
            throws Exception {
        Instant issuedAt = Instant.now();
        byte[] signedValue =
                ControlCommands.encode(
                        ControlCommands.ruleSet(RuleFiles.read(signed), issuedAt, STEWARD));
        byte[] sentValue =
                ControlCommands.encode(
                        ControlCommands.ruleSet(RuleFiles.read(sent), issuedAt, STEWARD));
        Properties properties = new Properties();
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> record =
                    new ProducerRecord<>(
                            topic, 0, "rules-v3".getBytes(StandardCharsets.UTF_8), sentValue);
            record.headers()
                    .add(ControlSignatures.SIGNER_HEADER, STEWARD.getBytes(StandardCharsets.UTF_8))
                    .add(
                            ControlSignatures.SIGNATURE_HEADER,
                            ControlSignatures.sign(signer, topic, signedValue)
                                    .getBytes(StandardCharsets.US_ASCII));
            producer.send(record).get();
        }
    }

    /** The message of the refusal of {@code commandId} in the errors table, once it is there. */
    private String awaitRefusal(String commandId) throws Exception {
        Poll.until(
                TIMEOUT,
                "the refusal of " + commandId + " in the errors table",
                () -> refusals().containsKey(commandId));
        String message = refusals().get(commandId);
        LOG.info("the errors table holds the refusal of {}: {}", commandId, message);
        return message;
    }

    /** The CONTROL_COMMAND_UNAUTHORIZED errors' messages by command id, oldest first. */
    private Map<String, String> refusals() throws SQLException {
        Map<String, String> messages = new LinkedHashMap<>();
        try (Connection target = POSTGRES.connect(targetDb());
                PreparedStatement query =
                        target.prepareStatement(
                                "SELECT source_position, message FROM syncline_errors WHERE code ="
                                        + " ? ORDER BY error_time")) {
            query.setString(1, ErrorCodes.CONTROL_COMMAND_UNAUTHORIZED);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    messages.put(rows.getString(1), rows.getString(2));
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return messages;
            }
            throw e;
        }
        return messages;
    }

    /** The security alerts in the alerts table: kind, severity and status by condition. */
    private Map<String, List<String>> securityAlertsInTable() throws SQLException {
        Map<String, List<String>> alerts = new LinkedHashMap<>();
        try (Connection target = POSTGRES.connect(targetDb());
                PreparedStatement query =
                        target.prepareStatement(
                                "SELECT condition, kind, severity, status FROM syncline_alerts"
                                        + " WHERE kind = 'security' ORDER BY condition");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                alerts.put(
                        rows.getString(1),
                        List.of(rows.getString(2), rows.getString(3), rows.getString(4)));
            }
        }
        return alerts;
    }

    private static List<Alert> awaitSecurityAlertsOnTopic(String topic, int count) {
        try (TopicReader reader = new TopicReader(KAFKA.bootstrapServers(), topic)) {
            List<Alert> security = new ArrayList<>();
            reader.readUntil(
                    read -> {
                        security.clear();
                        read.stream()
                                .map(ControlAuthITCase::alert)
                                .filter(a -> a.getKind().equals("security"))
                                .forEach(security::add);
                        return security.size() >= count;
                    },
                    TIMEOUT,
                    Duration.ZERO);
            return security.stream().sorted(Comparator.comparing(Alert::getCondition)).toList();
        }
    }

    private static Alert alert(ConsumerRecord<byte[], byte[]> record) {
        try {
            return Alert.getDecoder().decode(ByteBuffer.wrap(record.value()));
        } catch (IOException e) {
            throw new AssertionError("undecodable alert at offset " + record.offset(), e);
        }
    }

    /**
     * Inserts probes over the limit until one is judged by rule set {@code version}: each probe is
     * delivered (no rule set is in force yet) or rejected by that rule set, nothing else.
     */
    private void awaitJudgedByRuleSet(int version) throws Exception {
        Poll.until(
                TIMEOUT,
                "rule set v" + version + " to be in force",
                () -> {
                    long probe = insertAccount(OVER_LIMIT);
                    AtomicReference<Optional<Integer>> rejectedBy = new AtomicReference<>();
                    Poll.until(
                            TIMEOUT,
                            "a verdict on probe " + probe,
                            () -> {
                                rejectedBy.set(rangeRejection(probe));
                                return rejectedBy.get().isPresent() || targetIds().contains(probe);
                            });
                    rejectedBy.get().ifPresent(v -> assertThat(v).isEqualTo(version));
                    return rejectedBy.get().isPresent();
                });
    }

    /** The rule set version that rejected account {@code id} as out of range, if one did. */
    private Optional<Integer> rangeRejection(long id) throws SQLException {
        try (Connection target = POSTGRES.connect(targetDb());
                PreparedStatement query =
                        target.prepareStatement(
                                "SELECT rule_set_version FROM syncline_errors WHERE entity_key = ?"
                                        + " AND code = 'RULE_RANGE'")) {
            query.setString(1, "acme/account/" + id);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(rows.getInt(1)) : Optional.empty();
            }
        }
    }

    /** The rule set versions the changes of {@code ids} on the change topic were stamped with. */
    private static List<Integer> ruleSetVersionsOf(List<Long> ids) {
        try (TopicReader reader = new TopicReader(KAFKA.bootstrapServers(), "changes-" + NAME)) {
            List<ChangeEvent> wanted = new ArrayList<>();
            reader.readUntil(
                    read -> {
                        wanted.clear();
                        for (ConsumerRecord<byte[], byte[]> record : read) {
                            ChangeEvent change = change(record);
                            if (ids.contains(Long.parseLong(change.getEntityId()))) {
                                wanted.add(change);
                            }
                        }
                        return wanted.size() >= ids.size();
                    },
                    TIMEOUT,
                    Duration.ZERO);
            assertThat(wanted).hasSize(ids.size());
            return wanted.stream().map(ChangeEvent::getRuleSetVersion).toList();
        }
    }

    private static ChangeEvent change(ConsumerRecord<byte[], byte[]> record) {
        try {
            return ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value()));
        } catch (IOException e) {
            throw new AssertionError("undecodable change at offset " + record.offset(), e);
        }
    }

    private long insertAccount(String balance) throws SQLException {
        long id = nextId++;
        try (Connection source = POSTGRES.connect(sourceDb());
                PreparedStatement insert =
                        source.prepareStatement("INSERT INTO accounts VALUES (?, 'acme', ?)")) {
            insert.setLong(1, id);
            insert.setBigDecimal(2, new BigDecimal(balance));
            insert.executeUpdate();
        }
        return id;
    }

    private void awaitInTarget(long id) throws Exception {
        Poll.until(TIMEOUT, "account " + id + " in the target", () -> targetIds().contains(id));
    }

    private List<Long> targetIds() throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection target = POSTGRES.connect(targetDb());
                PreparedStatement query = target.prepareStatement("SELECT id FROM accounts");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return ids; // the job creates the table with its first write
            }
            throw e;
        }
        return ids;
    }

    private Path rules(int version, String maxBalance) throws Exception {
        Path file = dir.resolve("rules-v" + version + "-" + maxBalance + ".yaml");
        Files.writeString(
                file,
                """
                version: %d
                entities:
                  account:
                    rules:
                      - {type: range, field: balance, min: 0, max: %s}
                """
                        .formatted(version, maxBalance));
        return file;
    }

    private void start(SynclineConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        SyncJobFactory.create(config).build(env);
        job = env.executeAsync(config.job().name());
    }

    private static String sourceDb() {
        return "src_" + NAME;
    }

    private static String targetDb() {
        return "tgt_" + NAME;
    }

    private Path writeConfig(String stewardKey, String operatorKey) throws Exception {
        Path file = dir.resolve("syncline.yaml");
        Files.writeString(
                file,
                """
                job:
                  name: it-%1$s
                  parallelism: 2
                checkpoints:
                  interval: 1s
                  directory: %2$s
                restart:
                  initialBackoff: 200ms
                  maxBackoff: 2s
                tenants: [acme]
                sources:
                  - id: bank_%1$s
                    hostname: %3$s
                    port: %4$d
                    database: %5$s
                    username: %6$s
                    password: %7$s
                    tables:
                      - table: public.accounts
                        entityType: account
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: %8$s
                    changeTopic: changes-%1$s
                    errorTopic: errors-%1$s
                    controlTopic: control-%1$s
                    conflictTopic: conflicts-%1$s
                    qualityTopic: quality-%1$s
                    alertTopic: alerts-%1$s
                    transactionalIdPrefix: it-%1$s
                  target:
                    url: %9$s
                    username: %6$s
                    password: %7$s
                    batchInterval: 100ms
                observability:
                  window: {kind: tumbling, size: 10s}
                  maxDelay: 1s
                security:
                  control:
                    signers:
                      %10$s: {role: steward, publicKey: %11$s}
                      %12$s: {role: operator, publicKey: %13$s}
                """
                        .formatted(
                                NAME,
                                dir.resolve("checkpoints").toUri(),
                                POSTGRES.host(),
                                POSTGRES.port(),
                                sourceDb(),
                                POSTGRES.username(),
                                POSTGRES.password(),
                                KAFKA.bootstrapServers(),
                                POSTGRES.jdbcUrl(targetDb()),
                                STEWARD,
                                stewardKey,
                                OPERATOR,
                                operatorKey));
        return file;
    }
}

package io.syncline.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.Poll;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle replicated tables do not bloat the source's WAL: while the database writes a lot into a
 * table Syncline does not replicate and the replicated tables stay idle, the replication slot still
 * moves past those writes. Two heartbeats give the job positions to confirm on its checkpoints: the
 * rows Syncline writes into its heartbeat table, and the CDC connector's own heartbeat events
 * (every 10 s). Either is enough: with Syncline's heartbeats off, this test passed too, in 18 s
 * against 9 s.
 */
class IdleSourceWalITCase {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String NAME = "idle_wal";
    private static final String SLOT = "syncline_crm_" + NAME;

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

    private JobClient job;

    @AfterEach
    void stop() throws Exception {
        if (job != null) {
            Poll.cancel(job);
        }
    }

    @Test
    void theSlotMovesPastWritesToTablesSynclineDoesNotReplicate() throws Exception {
        EmbeddedPostgresServer postgres = POSTGRES.server();
        postgres.createDatabase(sourceDb());
        postgres.createDatabase(targetDb());
        postgres.execute(
                sourceDb(),
                "CREATE TABLE customers (id BIGINT PRIMARY KEY, tenant_id TEXT, name TEXT)",
                "CREATE TABLE audit_log (id BIGSERIAL PRIMARY KEY, body TEXT)");
        Path configFile = dir.resolve(NAME + ".yaml");
        Files.writeString(configFile, config(postgres));
        SynclineConfig config = ConfigLoader.load(configFile);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configure(env, config);
        SyncJobFactory.create(config).build(env);
        job = env.executeAsync(config.job().name());

        try (Connection source = postgres.connect(sourceDb())) {
            Poll.until(TIMEOUT, "the slot to be streamed from", () -> slotActive(source));
            // About 8 MB of WAL that no replicated table is part of.
            try (Statement statement = source.createStatement()) {
                statement.execute(
                        "INSERT INTO audit_log (body) SELECT repeat('x', 1000) FROM"
                                + " generate_series(1, 8000)");
            }
            long afterWrites = currentLsn(source);
            assertThat(afterWrites - confirmedLsn(source))
                    .as("WAL the slot holds back right after the writes")
                    .isGreaterThan(8_000_000L);

            Poll.until(
                    TIMEOUT,
                    "the slot to confirm a position past the unreplicated writes",
                    () -> confirmedLsn(source) >= afterWrites);
            assertThat(customers(source)).as("the replicated table stayed idle").isZero();
        }
    }

    private static boolean slotActive(Connection source) throws SQLException {
        try (Statement statement = source.createStatement();
                ResultSet rows =
                        statement.executeQuery(
                                "SELECT active FROM pg_replication_slots WHERE slot_name = '"
                                        + SLOT
                                        + "'")) {
            return rows.next() && rows.getBoolean(1);
        }
    }

    private static long confirmedLsn(Connection source) throws SQLException {
        return lsn(
                source,
                "SELECT confirmed_flush_lsn - '0/0'::pg_lsn FROM pg_replication_slots WHERE"
                        + " slot_name = '"
                        + SLOT
                        + "'");
    }

    private static long currentLsn(Connection source) throws SQLException {
        return lsn(source, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
    }

    private static long customers(Connection source) throws SQLException {
        return lsn(source, "SELECT count(*) FROM customers");
    }

    private static long lsn(Connection source, String query) throws SQLException {
        try (Statement statement = source.createStatement();
                ResultSet rows = statement.executeQuery(query)) {
            assertThat(rows.next()).isTrue();
            return rows.getLong(1);
        }
    }

    private static String sourceDb() {
        return "src_" + NAME;
    }

    private static String targetDb() {
        return "tgt_" + NAME;
    }

    private String config(EmbeddedPostgresServer postgres) {
        return """
                job:
                  name: it-%1$s
                  parallelism: 1
                checkpoints:
                  interval: 1s
                  directory: %2$s
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
                observability:
                  heartbeat: {interval: 1s}
                  prometheus: {port: 0}
                """
                .formatted(
                        NAME,
                        dir.resolve("checkpoints").toUri(),
                        postgres.host(),
                        postgres.port(),
                        sourceDb(),
                        postgres.username(),
                        postgres.password(),
                        KAFKA.server().bootstrapServers(),
                        postgres.jdbcUrl(targetDb()));
    }
}

package io.syncline.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replication slot dropped and re-created behind the running job's back (Flink restarts the job
 * from a checkpoint, the slot no longer holds that position and streams on from the present) ends
 * the job FAILED, without restarts, with a message that names the source, the slot, the missing
 * heartbeats and the runbook; the changes in between stay missing from the target. The normal ways
 * back (a TaskManager lost, the replication connection cut, a restore from a savepoint) resume from
 * state that agrees with the source's position, so the next heartbeat is the next number, and do
 * not trip the detector. Each job is at parallelism 2, with heartbeats every 500 ms; the detector's
 * state is followed through its {@code heartbeatSequence} gauge.
 *
 * <p>A slot with {@code wal_status = lost} is not provoked here: it needs {@code
 * max_slot_wal_keep_size} on the shared embedded server. Its handling is covered by the monitor's
 * unit test with a missing slot, which takes the same path.
 */
class SlotLossITCase {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static final InMemoryReporter REPORTER = InMemoryReporter.create();

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir Path dir;

    private final List<JobClient> jobs = new ArrayList<>();

    @AfterEach
    void cancelJobs() throws Exception {
        for (JobClient job : jobs) {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                Poll.cancel(job);
            }
        }
    }

    @Test
    void aSlotDroppedAndRecreatedBehindTheJobsBackEndsItFailedNamingTheGapAndTheWayOut(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        // Checkpoints only when the test takes one, so it knows the position the job resumes from.
        Source source = new Source("slotloss_gap", "latest", "10m", "15m");
        JobClient job = start(source, null);
        // Not the slot being active: it is while the connector creates it, before the stream
        // starts at the latest position.
        Poll.until(
                TIMEOUT,
                "the monitor to follow the streamed heartbeats",
                () -> heartbeatSequence(job.getJobID()) >= 1);
        source.insertCustomers(1, 5);
        Poll.until(TIMEOUT, "the first customers in the target", source::targetEqualsSource);

        cluster.triggerCheckpoint(job.getJobID()).get();
        long atCheckpoint = source.heartbeatSequence();
        // Heartbeats committed after the checkpoint: the job will resume before them.
        Poll.until(
                TIMEOUT,
                "two heartbeats after the checkpoint",
                () -> source.heartbeatSequence() >= atCheckpoint + 2);
        stopTaskManager(cluster);
        // Committed while nothing reads the slot, then the slot is dropped and re-created at the
        // current position: these customers are gone from the stream.
        source.insertCustomers(100, 3);
        source.recreateSlot();
        startTaskManager(cluster);

        Poll.until(TIMEOUT, "the job to fail", () -> job.getJobStatus().get() == JobStatus.FAILED);
        assertThatThrownBy(() -> job.getJobExecutionResult().get())
                .satisfies(
                        failure -> {
                            assertThat(
                                            ExceptionUtils.findThrowable(
                                                    failure, SuppressRestartsException.class))
                                    .as("a failure that suppresses restarts")
                                    .isPresent();
                            assertThat(ExceptionUtils.stringifyException(failure))
                                    .containsPattern(
                                            "source '"
                                                    + source.id()
                                                    + "': heartbeats? \\d+( to \\d+)? (was|were)"
                                                    + " committed in the source database but"
                                                    + " never arrived through replication slot '"
                                                    + source.slot()
                                                    + "': the slot was dropped and re-created, or"
                                                    + " lost its WAL, while the job was not"
                                                    + " reading it\\. Every change committed"
                                                    + " between the last position delivered")
                                    .contains(
                                            "was skipped and cannot be read again, so the targets"
                                                    + " miss it. The job stops and does not"
                                                    + " restart by itself: re-create the slot and"
                                                    + " re-snapshot, see"
                                                    + " docs/runbooks/recreate-slot.md");
                        });
        assertThat(source.ids(source.targetDb(), "NOT _syncline_deleted"))
                .as("the target does not claim the customers committed in the gap")
                .doesNotContain(100L, 101L, 102L)
                .containsAll(List.of(1L, 2L, 3L, 4L, 5L));
        assertThat(source.ids(source.sourceDb(), "true")).contains(100L, 101L, 102L);
        assertThat(source.criticalAlerts())
                .as("the critical alert reached the alerts table before the job failed")
                .containsExactly("critical-error/WAL_GAP/" + source.id());
    }

    @Test
    void aLostTaskManagerACutReplicationConnectionAndASavepointRestoreResumeWithoutAGap(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        Source source = new Source("slotloss_normal", "initial", "1s", "5m");
        source.insertCustomers(1, 5);
        JobClient job = start(source, null);
        Poll.until(TIMEOUT, "the snapshot in the target", source::targetEqualsSource);
        source.insertCustomers(10, 5);
        Poll.until(TIMEOUT, "streamed customers in the target", source::targetEqualsSource);
        awaitHeartbeatsFollowed(job, source);
        awaitCheckpoint(cluster, job);

        // A TaskManager lost: restored from the last checkpoint, heartbeats since are replayed.
        stopTaskManager(cluster);
        source.insertCustomers(20, 5);
        startTaskManager(cluster);
        source.insertCustomers(30, 5);
        Poll.until(TIMEOUT, "the target after the restart", source::targetEqualsSource);
        awaitHeartbeatsFollowed(job, source);
        awaitRestored(cluster, job, "the job to resume from a checkpoint");
        long restarted =
                cluster.getExecutionGraph(job.getJobID())
                        .get()
                        .getStatusTimestamp(JobStatus.RESTARTING);
        assertThat(restarted).isPositive();

        // The replication connection cut: the source fails, and with it the whole job restarts.
        awaitCheckpoint(cluster, job);
        source.terminateWalSender();
        Poll.until(
                TIMEOUT,
                "the job to restart after its replication connection was cut",
                () ->
                        cluster.getExecutionGraph(job.getJobID())
                                        .get()
                                        .getStatusTimestamp(JobStatus.RESTARTING)
                                > restarted);
        source.insertCustomers(40, 5);
        Poll.until(TIMEOUT, "the target after the second restart", source::targetEqualsSource);
        awaitHeartbeatsFollowed(job, source);
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

        // Stopped with a savepoint and started again from it, with the slot as it was.
        String savepoint =
                job.stopWithSavepoint(
                                false,
                                dir.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get();
        source.insertCustomers(50, 5);
        JobClient resumed = start(source, savepoint);
        source.insertCustomers(60, 5);
        Poll.until(TIMEOUT, "the target after the savepoint", source::targetEqualsSource);
        awaitHeartbeatsFollowed(resumed, source);
        awaitRestored(cluster, resumed, "the second job to resume from the savepoint");
        assertThat(resumed.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    }

    /** The running TaskManager's index in the MiniCluster: each one started is added at the end. */
    private static int taskManager = 0;

    private static void stopTaskManager(MiniCluster cluster) throws Exception {
        cluster.terminateTaskManager(taskManager).get();
    }

    private static void startTaskManager(MiniCluster cluster) throws Exception {
        cluster.startTaskManager();
        taskManager++;
    }

    /**
     * Waits until the monitor has followed heartbeats two past the newest one committed now: none
     * was missing in between, or the job would fail.
     */
    private static void awaitHeartbeatsFollowed(JobClient job, Source source) throws Exception {
        long committed = source.heartbeatSequence();
        Poll.until(
                TIMEOUT,
                "the monitor to follow heartbeat " + (committed + 2),
                () -> {
                    assertThat(job.getJobStatus().get())
                            .as("status of the job while heartbeats are followed")
                            .isIn(JobStatus.RUNNING, JobStatus.RESTARTING);
                    return heartbeatSequence(job.getJobID()) >= committed + 2;
                });
    }

    /**
     * Waits for a checkpoint that starts now, so that the job resumes from state holding the
     * heartbeats followed so far.
     */
    private static void awaitCheckpoint(MiniCluster cluster, JobClient job) throws Exception {
        long completed = completedCheckpoints(cluster, job);
        Poll.until(
                TIMEOUT,
                "a checkpoint of " + job.getJobID(),
                () -> completedCheckpoints(cluster, job) >= completed + 2);
    }

    /** The checkpoint statistics are cached for a while, so they are polled. */
    private static void awaitRestored(MiniCluster cluster, JobClient job, String what)
            throws Exception {
        Poll.until(
                TIMEOUT,
                what,
                () ->
                        cluster.getExecutionGraph(job.getJobID())
                                        .get()
                                        .getCheckpointStatsSnapshot()
                                        .getLatestRestoredCheckpoint()
                                != null);
    }

    private static long completedCheckpoints(MiniCluster cluster, JobClient job) throws Exception {
        return cluster.getExecutionGraph(job.getJobID())
                .get()
                .getCheckpointStatsSnapshot()
                .getCounts()
                .getNumberOfCompletedCheckpoints();
    }

    /** The monitor's {@code heartbeatSequence} gauge, -1 before it reports. */
    @SuppressWarnings("unchecked")
    private static long heartbeatSequence(JobID job) {
        long newest = -1;
        for (Metric gauge : REPORTER.findMetrics(job, "heartbeatSequence").values()) {
            newest = Math.max(newest, ((Gauge<Long>) gauge).getValue());
        }
        return newest;
    }

    private JobClient start(Source source, String savepoint) throws Exception {
        Path file = dir.resolve(source.name() + ".yaml");
        Files.writeString(file, source.config(dir));
        SynclineConfig config = ConfigLoader.load(file);
        Configuration restore = new Configuration();
        if (savepoint != null) {
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(restore);
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        SyncJobFactory.create(config).build(env);
        JobClient job = env.executeAsync(config.job().name());
        jobs.add(job);
        return job;
    }

    /** One source database with a customers table, its target database, slot and topics. */
    private static final class Source {

        private final String name;
        private final String startup;
        private final String checkpointInterval;
        private final String transactionTimeout;
        private final EmbeddedPostgresServer postgres = POSTGRES.server();

        Source(String name, String startup, String checkpointInterval, String transactionTimeout) {
            this.name = name;
            this.startup = startup;
            this.checkpointInterval = checkpointInterval;
            this.transactionTimeout = transactionTimeout;
            postgres.createDatabase(sourceDb());
            postgres.createDatabase(targetDb());
            postgres.execute(
                    sourceDb(),
                    "CREATE TABLE customers (id BIGINT PRIMARY KEY, tenant_id TEXT, name TEXT)");
        }

        String name() {
            return name;
        }

        String id() {
            return "crm_" + name;
        }

        String slot() {
            return "syncline_" + id();
        }

        String sourceDb() {
            return "src_" + name;
        }

        String targetDb() {
            return "tgt_" + name;
        }

        void insertCustomers(long firstId, int count) throws SQLException {
            try (Connection connection = postgres.connect(sourceDb());
                    PreparedStatement insert =
                            connection.prepareStatement(
                                    "INSERT INTO customers VALUES (?, 'acme', ?)")) {
                for (long id = firstId; id < firstId + count; id++) {
                    insert.setLong(1, id);
                    insert.setString(2, "customer " + id);
                    insert.executeUpdate();
                }
            }
        }

        boolean targetEqualsSource() throws SQLException {
            return ids(sourceDb(), "true").equals(ids(targetDb(), "NOT _syncline_deleted"));
        }

        List<Long> ids(String database, String filter) throws SQLException {
            List<Long> ids = new ArrayList<>();
            try (Connection connection = postgres.connect(database);
                    Statement statement = connection.createStatement();
                    ResultSet rows =
                            statement.executeQuery(
                                    "SELECT id FROM customers WHERE " + filter + " ORDER BY id")) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            } catch (SQLException e) {
                if ("42P01".equals(e.getSQLState())) {
                    return ids; // The target table is not created yet.
                }
                throw e;
            }
            return ids;
        }

        /** The source's heartbeat sequence number in the database, 0 before the first one. */
        long heartbeatSequence() throws SQLException {
            Object sequence = first("SELECT seq FROM syncline_heartbeat WHERE source_id = ?", id());
            return sequence == null ? 0 : ((Number) sequence).longValue();
        }

        boolean slotActive() throws SQLException {
            return Boolean.TRUE.equals(
                    first("SELECT active FROM pg_replication_slots WHERE slot_name = ?", slot()));
        }

        /** The first column of the first row {@code sql} returns in the source, null for none. */
        private Object first(String sql, String parameter) throws SQLException {
            try (Connection connection = postgres.connect(sourceDb());
                    PreparedStatement query = connection.prepareStatement(sql)) {
                query.setString(1, parameter);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next() ? rows.getObject(1) : null;
                }
            }
        }

        /** Ends the walsender streaming the slot; the slot stays. */
        void terminateWalSender() throws Exception {
            Poll.until(TIMEOUT, "the slot to be streamed from", this::slotActive);
            try (Connection connection = postgres.connect(sourceDb());
                    PreparedStatement terminate =
                            connection.prepareStatement(
                                    "SELECT pg_terminate_backend(active_pid) FROM"
                                            + " pg_replication_slots WHERE slot_name = ?")) {
                terminate.setString(1, slot());
                try (ResultSet rows = terminate.executeQuery()) {
                    assertThat(rows.next() && rows.getBoolean(1)).as("walsender ended").isTrue();
                }
            }
        }

        /**
         * Drops the slot once nothing streams from it and creates it again at the current position,
         * as the CDC connector would on its next start.
         */
        void recreateSlot() throws Exception {
            Poll.until(TIMEOUT, "the slot to be released", () -> !slotActive());
            try (Connection connection = postgres.connect(sourceDb());
                    Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_drop_replication_slot('" + slot() + "')");
                try {
                    statement.execute(
                            "SELECT pg_create_logical_replication_slot('"
                                    + slot()
                                    + "', 'pgoutput')");
                } catch (SQLException e) {
                    // The restarting job's connector created it first, as it does for a missing
                    // slot: just as new.
                    if (!"42710".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        }

        /** The conditions of the critical-error alerts in the alerts table. */
        List<String> criticalAlerts() throws SQLException {
            List<String> conditions = new ArrayList<>();
            try (Connection connection = postgres.connect(targetDb());
                    Statement statement = connection.createStatement();
                    ResultSet rows =
                            statement.executeQuery(
                                    "SELECT condition FROM syncline_alerts WHERE kind ="
                                            + " 'critical-error' AND severity = 'critical'")) {
                while (rows.next()) {
                    conditions.add(rows.getString(1));
                }
            }
            return conditions;
        }

        String config(Path dir) {
            return """
                    job:
                      name: it-%1$s
                      parallelism: 2
                    checkpoints:
                      interval: %2$s
                      directory: %3$s
                    restart:
                      initialBackoff: 200ms
                      maxBackoff: 2s
                    sources:
                      - id: %4$s
                        hostname: %5$s
                        port: %6$d
                        database: %7$s
                        username: %8$s
                        password: %9$s
                        startup: %10$s
                        tables:
                          - table: public.customers
                            entityType: customer
                            tenantColumn: tenant_id
                    sinks:
                      kafka:
                        bootstrapServers: %11$s
                        changeTopic: changes-%1$s
                        errorTopic: errors-%1$s
                        controlTopic: control-%1$s
                        conflictTopic: conflicts-%1$s
                        qualityTopic: quality-%1$s
                        alertTopic: alerts-%1$s
                        transactionalIdPrefix: it-%1$s
                        transactionTimeout: %12$s
                      target:
                        url: %13$s
                        username: %8$s
                        password: %9$s
                        batchInterval: 100ms
                    observability:
                      heartbeat: {interval: 500ms}
                      prometheus: {port: 0}
                    """
                    .formatted(
                            name,
                            checkpointInterval,
                            dir.resolve("checkpoints-" + name).toUri(),
                            id(),
                            postgres.host(),
                            postgres.port(),
                            sourceDb(),
                            postgres.username(),
                            postgres.password(),
                            startup,
                            KAFKA.server().bootstrapServers(),
                            transactionTimeout,
                            postgres.jdbcUrl(targetDb()));
        }
    }
}

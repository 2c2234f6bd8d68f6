package io.syncline.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.MariaDbExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.JobAttempts;
import io.syncline.jobs.Poll;
import io.syncline.jobs.TableRows;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.ConfigPreflight;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.faults.SequencedWorkload.Verdict;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code type: mariadb} source (Flink CDC's MySQL connector 3.2.0 beside the Postgres connector
 * 3.5.0) against a real MariaDB with its binlog on, read by the replication user with only the CDC
 * grants, into a real PostgreSQL target and Kafka, at parallelism 2: the snapshot and the streamed
 * inserts, updates and deletes reach the target row for row; a job killed mid-stream and started
 * again from its last checkpoint while the writer goes on loses and duplicates nothing; a row of a
 * tenant not configured ends in the errors table; a job Flink restarts from a checkpoint taken
 * mid-snapshot reads its unfinished chunks again, and those reads win over the first ones.
 */
class MySqlSourceITCase {

    private static final Logger LOG = LoggerFactory.getLogger(MySqlSourceITCase.class);

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();

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
    void snapshotAndStreamedChangesReachTheTargetAndAnUnknownTenantTheErrors() throws Exception {
        String name = "stream";
        try (MariaDbWorkload workload = new MariaDbWorkload(name, MARIADB.server())) {
            POSTGRES.createDatabase(targetDb(name));
            workload.insert(20);
            workload.update(10);

            start(name, workload, null);
            awaitTargetEqualsSource(name, workload);

            workload.insert(10);
            workload.update(15);
            workload.delete(5);
            long unknown = workload.insertOf("initech");
            awaitTargetEqualsSource(name, workload);

            Poll.until(
                    TIMEOUT,
                    "the unknown tenant's row in the errors table",
                    () -> !errors(name).isEmpty());
            assertThat(errors(name))
                    .containsExactly(
                            List.of(
                                    "UNKNOWN_TENANT",
                                    "initech",
                                    "account",
                                    "shop_" + name,
                                    "tenant 'initech' of a row of shop_"
                                            + name
                                            + ".accounts is not among the configured tenants"
                                            + " [acme, globex]; add it to 'tenants' or fix the"
                                            + " row"));
            assertThat(workload.sourceRows())
                    .extracting(row -> row.get(0))
                    .doesNotContain(Long.toString(unknown));
            Verdict verdict =
                    workload.verify(KAFKA.server().bootstrapServers(), changeTopic(name), TIMEOUT);
            LOG.info("MYSQL-RESULT {} {}", name, verdict);
            verdict.assertExactlyOnceInOrder();
        }
    }

    @Test
    void aJobKilledMidStreamRestoresFromItsLastCheckpointLosingNothing(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        String name = "restore";
        try (MariaDbWorkload workload = new MariaDbWorkload(name, MARIADB.server())) {
            POSTGRES.createDatabase(targetDb(name));
            workload.insert(30);
            JobClient first = start(name, workload, null);
            // The writer starts once the snapshot is in: rows deleted before it are no history
            // the topic could hold.
            awaitTargetEqualsSource(name, workload);
            workload.startWriting(50);
            Poll.until(
                    TIMEOUT,
                    "the first job to stream into the target",
                    () -> targetRowCount(name) > 30);
            workload.awaitWrites(100, TIMEOUT);
            long checkpointsBefore = JobAttempts.completedCheckpoints(cluster, first.getJobID());
            Poll.until(
                    TIMEOUT,
                    "a checkpoint of the streaming job",
                    () ->
                            JobAttempts.completedCheckpoints(cluster, first.getJobID())
                                    > checkpointsBefore);

            Poll.cancel(first);
            long writesAtKill = workload.writes();
            Path checkpoint = latestCheckpoint(name, first);
            workload.awaitWrites(100, TIMEOUT);

            JobClient second = start(name, workload, checkpoint.toUri().toString());
            workload.awaitWrites(200, TIMEOUT);
            workload.stopWriting();
            awaitTargetEqualsSource(name, workload);

            assertThat(
                            cluster.getExecutionGraph(second.getJobID())
                                    .get()
                                    .getCheckpointStatsSnapshot()
                                    .getLatestRestoredCheckpoint())
                    .as("the checkpoint the second job restored")
                    .isNotNull();
            Verdict verdict =
                    workload.verify(KAFKA.server().bootstrapServers(), changeTopic(name), TIMEOUT);
            LOG.info(
                    "MYSQL-RESULT {} writes={} killedAt={} restoredFrom={} {}",
                    name,
                    workload.writes(),
                    writesAtKill,
                    checkpoint.getFileName(),
                    verdict);
            verdict.assertExactlyOnceInOrder();
            assertThat(errors(name)).as("errors").isEmpty();
        }
    }

    @Test
    void chunksReadAgainAfterARestartWinOverTheirFirstReads(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        String name = "chunks";
        int rows = 3_000;
        try (MariaDbWorkload workload = new MariaDbWorkload(name, MARIADB.server())) {
            POSTGRES.createDatabase(targetDb(name));
            workload.insert(rows);
            // Chunks of 100 rows and no checkpoint but the one triggered here.
            JobClient job =
                    start(
                            name,
                            workload,
                            null,
                            yaml ->
                                    yaml.replace("  interval: 1s\n", "  interval: 2m\n")
                                            .replace(
                                                    "    tables:\n",
                                                    "    snapshotChunkSize: 100\n    tables:\n"));
            Poll.until(
                    TIMEOUT,
                    "the snapshot's first rows in the target",
                    () -> targetRowCount(name) > 0);
            String checkpoint = cluster.triggerCheckpoint(job.getJobID()).get();
            long atCheckpoint = targetRowCount(name);
            // Rows that reach the target after the checkpoint completed were read after its
            // barrier: the checkpoint holds their chunks as unfinished.
            Poll.until(
                    TIMEOUT,
                    "rows read after the checkpoint in the target",
                    () -> targetRowCount(name) > atCheckpoint);
            MARIADB.execute(workload.database(), "UPDATE accounts SET seq = seq + 1");
            long atUpdate = targetRowCount(name);
            assertThat(atUpdate).as("rows in the target at the update").isLessThan(rows);

            // The target refuses connections: Flink restarts the job from the checkpoint until it
            // takes them again.
            JobAttempts.restartByRefusingConnections(
                    POSTGRES, targetDb(name), cluster, job.getJobID());

            awaitTargetEqualsSource(name, workload);
            LOG.info(
                    "MYSQL-RESULT {} rows={} atCheckpoint={} atUpdate={} restarts={}",
                    name,
                    rows,
                    atCheckpoint,
                    atUpdate,
                    JobAttempts.restarts(cluster, job.getJobID()));
            assertThat(JobAttempts.restoredCheckpoint(cluster, job.getJobID()))
                    .as("the checkpoint the restarts restored")
                    .isEqualTo(checkpoint);
        }
    }

    @Test
    void aMariaDbWithoutLegacyEventPositionsIsRefusedAtStartNamingTheSetting() throws Exception {
        String name = "legacy";
        try (MariaDbWorkload workload = new MariaDbWorkload(name, MARIADB.server())) {
            POSTGRES.createDatabase(targetDb(name));
            Path file = dir.resolve(name + ".yaml");
            Files.writeString(file, yaml(name, workload));
            SynclineConfig config = ConfigLoader.load(file);
            MARIADB.execute("", "SET GLOBAL binlog_legacy_event_pos = OFF");
            try {
                assertThatThrownBy(() -> SyncJobFactory.create(config))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage(
                                "source 'shop_legacy': the server at "
                                        + MARIADB.host()
                                        + ":"
                                        + MARIADB.port()
                                        + " has binlog_legacy_event_pos=OFF, so its binlog events"
                                        + " inside transactions carry no position to order"
                                        + " changes by; set binlog_legacy_event_pos=ON (SET GLOBAL"
                                        + " and in the server's configuration file)");
            } finally {
                MARIADB.execute("", "SET GLOBAL binlog_legacy_event_pos = ON");
            }
        }
    }

    private JobClient start(String name, MariaDbWorkload workload, String checkpoint)
            throws Exception {
        return start(name, workload, checkpoint, yaml -> yaml);
    }

    /** Submits the job over {@code workload}, its configuration edited by {@code edit}. */
    private JobClient start(
            String name, MariaDbWorkload workload, String checkpoint, UnaryOperator<String> edit)
            throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, edit.apply(yaml(name, workload)));
        SynclineConfig config = ConfigLoader.load(file);
        // As `syncline run` does: the MariaDB is reachable, logs ROW with full images, and has
        // the tables.
        ConfigPreflight.check(config);
        Configuration restore = new Configuration();
        if (checkpoint != null) {
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, checkpoint);
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

    private String yaml(String name, MariaDbWorkload workload) {
        return """
                job:
                  name: mysql-%1$s
                  parallelism: 2
                checkpoints:
                  interval: 1s
                  directory: %2$s
                restart:
                  initialBackoff: 200ms
                  maxBackoff: 2s
                tenants: [acme, globex]
                sources:
                  - id: shop_%1$s
                    type: mariadb
                    hostname: %3$s
                    port: %4$d
                    database: %5$s
                    username: %6$s
                    password: %7$s
                    serverId: %8$s
                    tables:
                      - table: %5$s.accounts
                        entityType: account
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: %9$s
                    changeTopic: %10$s
                    errorTopic: errors-mysql-%1$s
                    controlTopic: control-mysql-%1$s
                    transactionalIdPrefix: mysql-%1$s
                  target:
                    url: %11$s
                    username: %12$s
                    password: %13$s
                    batchInterval: 100ms
                """
                .formatted(
                        name,
                        checkpoints(name).toUri(),
                        MARIADB.host(),
                        MARIADB.port(),
                        workload.database(),
                        MARIADB.replicationUsername(),
                        MARIADB.replicationPassword(),
                        switch (name) {
                            case "stream" -> "5400-5401";
                            case "chunks" -> "5420-5421";
                            default -> "5410-5411";
                        },
                        KAFKA.server().bootstrapServers(),
                        changeTopic(name),
                        POSTGRES.jdbcUrl(targetDb(name)),
                        POSTGRES.username(),
                        POSTGRES.password());
    }

    private void awaitTargetEqualsSource(String name, MariaDbWorkload workload) throws Exception {
        try (Connection target = POSTGRES.connect(targetDb(name))) {
            try {
                Poll.until(
                        TIMEOUT,
                        "the target accounts of " + name + " to equal the source",
                        () -> MariaDbWorkload.targetRows(target).equals(workload.sourceRows()));
            } catch (AssertionError timedOut) {
                LOG.error("errors table of {}: {}", name, errors(name));
                workload.assertTargetEqualsSource(target);
                throw timedOut;
            }
        }
    }

    private long targetRowCount(String name) throws Exception {
        try (Connection target = POSTGRES.connect(targetDb(name))) {
            return MariaDbWorkload.targetRows(target).size();
        }
    }

    private List<List<String>> errors(String name) throws Exception {
        try (Connection target = POSTGRES.connect(targetDb(name))) {
            return TableRows.query(
                    target,
                    "SELECT code, tenant, entity_type, source_id, message FROM syncline_errors"
                            + " ORDER BY error_time");
        } catch (java.sql.SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return List.of();
            }
            throw e;
        }
    }

    /** The newest complete checkpoint the cancelled job retained. */
    private Path latestCheckpoint(String name, JobClient job) throws IOException {
        Path jobCheckpoints = checkpoints(name).resolve(job.getJobID().toString());
        try (Stream<Path> checkpoints = Files.list(jobCheckpoints)) {
            return checkpoints
                    .filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.exists(p.resolve("_metadata")))
                    .max(
                            Comparator.comparingLong(
                                    p -> Long.parseLong(p.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no checkpoint in " + jobCheckpoints));
        }
    }

    private Path checkpoints(String name) {
        return dir.resolve("checkpoints-" + name);
    }

    private static String targetDb(String name) {
        return "tgt_mysql_" + name;
    }

    private static String changeTopic(String name) {
        return "changes-mysql-" + name;
    }
}

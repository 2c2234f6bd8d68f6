package io.syncline.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.JobAttempts;
import io.syncline.jobs.Poll;
import io.syncline.jobs.TopicReader;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.faults.SequencedWorkload.Verdict;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults of the target database, against the sync job on a MiniCluster at parallelism 2. The target
 * is on a PostgreSQL server of its own, apart from the source's, so that it can crash alone: the
 * target sink retries with backoff, its circuit breaker opens, the task fails and Flink restarts
 * the job from its last checkpoint until the target is back; nothing is lost, duplicated or
 * reordered. And a target table that refuses some rows for good (a CHECK constraint the source does
 * not have): those rows go to the errors table with the reason, every other row arrives, and the
 * job never restarts for it.
 */
class TargetOutageITCase {

    private static final Logger LOG = LoggerFactory.getLogger(TargetOutageITCase.class);

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    /** The target sink of the workload's accounts, as its operators are named. */
    private static final String TARGET_SINK = "target table: account";

    // The target sink's counters (io.syncline.operators.jdbc.JdbcTableSink).
    private static final String RETRIES = "writeRetries";
    private static final String ROWS_REJECTED = "rowsRejected";
    private static final String BREAKER_OPENS = "circuitBreakerOpens";

    /**
     * Fast retries, and a breaker open longer than the job takes to restart, so that the restarted
     * job finds it open and fails fast at least once during the outage.
     */
    private static final String FAST_RETRIES =
            """
                retry: {maxRetries: 3, initialBackoff: 100ms, maxBackoff: 1s}
                circuitBreaker: {openFor: 10s}
            """;

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension static final PostgresExtension SOURCE = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
                            .build());

    /** The target database's own server, which the outage crashes. */
    private static EmbeddedPostgresServer target;

    @TempDir Path dir;

    /** The job a test started; cancelled after it, so a failed test leaves the slots free. */
    private JobClient job;

    @BeforeAll
    static void startTarget() {
        target = EmbeddedPostgresServer.start();
    }

    @AfterEach
    void cancelTheJob() throws Exception {
        if (job != null && !job.getJobStatus().get().isGloballyTerminalState()) {
            Poll.cancel(job);
        }
    }

    @AfterAll
    static void stopTarget() {
        target.close();
    }

    @Test
    void aTargetOutageIsRetriedThenTheBreakerOpensAndTheJobRestartsWithoutLossOrDuplicates(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        try (SequencedWorkload workload =
                new SequencedWorkload("target_outage", SOURCE.server(), target, KAFKA.server())) {
            workload.write(30);
            job = start(workload, FAST_RETRIES);
            workload.awaitTargetEqualsSource(TIMEOUT);
            Poll.until(
                    TIMEOUT,
                    "a checkpoint to complete",
                    () -> JobAttempts.completedCheckpoints(cluster, job.getJobID()) >= 1);
            workload.startWriting(20);

            target.crash();
            try {
                // The first restart is the breaker opening; the second, the restarted job
                // failing fast on the open breaker (or its probe failing).
                Poll.until(
                        TIMEOUT,
                        "the target sink's circuit breaker to open and the job to restart twice",
                        () ->
                                sum(job.getJobID(), BREAKER_OPENS) >= 1
                                        && JobAttempts.restarts(cluster, job.getJobID()) >= 2);
                long writtenInOutage = workload.writes();
                Poll.until(
                        TIMEOUT,
                        "the writer to go on through the outage",
                        () -> workload.writes() >= writtenInOutage + 40);
            } finally {
                target.restart();
            }
            long writtenAfter = workload.writes();
            Poll.until(
                    TIMEOUT,
                    "the writer to go on after the outage",
                    () -> workload.writes() >= writtenAfter + 40);
            workload.stopWriting();
            workload.delete(5);

            workload.awaitTargetEqualsSource(TIMEOUT);
            Verdict verdict = workload.verify(TIMEOUT);
            long restarts = JobAttempts.restarts(cluster, job.getJobID());
            long retries = sum(job.getJobID(), RETRIES);
            long breakerOpens = sum(job.getJobID(), BREAKER_OPENS);
            LOG.info(
                    "FAULT-RESULT target-outage changes={} restarts={} lost={} duplicated={}"
                            + " outOfOrder={} retries={} breakerOpens={}",
                    verdict.changes(),
                    restarts,
                    verdict.lost(),
                    verdict.duplicated(),
                    verdict.outOfOrder(),
                    retries,
                    breakerOpens);
            verdict.assertExactlyOnceInOrder();
            assertThat(retries).as("batches retried on new connections").isPositive();
            assertThat(breakerOpens).as("times the circuit breaker opened").isPositive();
            assertThat(restarts).as("restarts").isGreaterThanOrEqualTo(2);
            assertThat(
                            cluster.getExecutionGraph(job.getJobID())
                                    .get()
                                    .getCheckpointStatsSnapshot()
                                    .getLatestRestoredCheckpoint())
                    .as("the checkpoint the job restored")
                    .isNotNull();
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            Poll.cancel(job);
        }
    }

    @Test
    void rowsTheTargetRefusesGoToTheErrorsTableTheOthersArriveAndTheJobNeverRestarts(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        BigDecimal limit = new BigDecimal("90000");
        try (SequencedWorkload workload =
                new SequencedWorkload("target_refuses", SOURCE.server(), KAFKA.server())) {
            job = start(workload, "");
            workload.write(20);
            workload.awaitTargetEqualsSource(TIMEOUT);
            Set<List<String>> beforeTheConstraint = Set.copyOf(workload.sourceRows());
            // NOT VALID: rows already there may break it; only rows written from now on are
            // checked.
            SOURCE.execute(
                    workload.targetDb(),
                    "ALTER TABLE accounts ADD CONSTRAINT balance_below_90000 CHECK (balance < "
                            + limit
                            + ") NOT VALID");
            workload.write(300);
            workload.delete(5);
            workload.write(100);

            Verdict verdict = workload.verify(TIMEOUT);
            verdict.assertExactlyOnceInOrder();
            List<ChangeEvent> changes = changesOnTheTopic(workload, verdict.changes());
            Set<String> refused =
                    changes.stream()
                            .filter(change -> change.getOp() != Operation.DELETE)
                            .filter(change -> !beforeTheConstraint.contains(row(change)))
                            .filter(change -> balance(change).compareTo(limit) >= 0)
                            .map(ChangeEvent::getEventId)
                            .collect(Collectors.toSet());
            assertThat(refused).as("changes the target refuses").isNotEmpty();
            List<List<String>> expected = expectedTarget(changes, beforeTheConstraint, limit);

            Poll.until(
                    TIMEOUT,
                    "the target to hold every change it takes, and the errors table the others",
                    () ->
                            workload.targetRows().equals(expected)
                                    && targetRejections(workload).size() >= refused.size());

            Map<String, String> rejections = targetRejections(workload);
            assertThat(rejections.keySet()).isEqualTo(refused);
            assertThat(rejections.values())
                    .allSatisfy(
                            message ->
                                    assertThat(message)
                                            .contains(
                                                    "was refused by \"public\".\"accounts\": new"
                                                            + " row for relation \"accounts\""
                                                            + " violates check constraint"
                                                            + " \"balance_below_90000\""
                                                            + " (SQLState 23514, constraint"
                                                            + " balance_below_90000)")
                                            .endsWith(
                                                    "relax the constraint to what the source"
                                                            + " allows, or fix the row at the"
                                                            + " source; then replay it with"
                                                            + " 'syncline errors replay'"));
            assertThat(sum(job.getJobID(), ROWS_REJECTED)).isEqualTo(refused.size());
            assertThat(JobAttempts.restarts(cluster, job.getJobID())).as("restarts").isZero();
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            Poll.cancel(job);
        }
    }

    /** Submits the sync job over {@code workload} with {@code targetSettings} in sinks.target. */
    private JobClient start(SequencedWorkload workload, String targetSettings) throws Exception {
        String yaml =
                workload.yaml(dir.resolve("checkpoints"), 2, "observability: {enabled: false}")
                        .replace(
                                "    batchInterval: 100ms\n",
                                "    batchInterval: 100ms\n" + targetSettings);
        Path file = dir.resolve("syncline.yaml");
        Files.writeString(file, yaml);
        SynclineConfig config = ConfigLoader.load(file);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        SyncJobFactory.create(config).build(env);
        return env.executeAsync(config.job().name());
    }

    /** A counter of the target sink's writers, summed over their subtasks and attempts. */
    private static long sum(JobID job, String counter) {
        long sum = 0;
        for (OperatorMetricGroup group :
                REPORTER.findOperatorMetricGroups(job, Pattern.quote(TARGET_SINK) + ".*")) {
            Metric metric = REPORTER.getMetricsByGroup(group).get(counter);
            if (metric instanceof Counter count) {
                sum += count.getCount();
            }
        }
        return sum;
    }

    /** The first {@code count} changes on the workload's change topic. */
    private static List<ChangeEvent> changesOnTheTopic(SequencedWorkload workload, long count)
            throws IOException {
        List<ChangeEvent> changes = new ArrayList<>();
        try (TopicReader reader =
                new TopicReader(KAFKA.bootstrapServers(), workload.changeTopic())) {
            for (ConsumerRecord<byte[], byte[]> record :
                    reader.readUntil(read -> read.size() >= count, TIMEOUT, Duration.ZERO)) {
                changes.add(ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value())));
            }
        }
        assertThat(changes).as("the changes on the topic").hasSize((int) count);
        return changes;
    }

    /**
     * The target's live rows when the table took every change up to {@code beforeTheConstraint} and
     * since then those below {@code limit}: per account, its last change the table took, unless
     * that is its delete.
     */
    private static List<List<String>> expectedTarget(
            List<ChangeEvent> changes, Set<List<String>> beforeTheConstraint, BigDecimal limit) {
        Map<Long, ChangeEvent> taken = new TreeMap<>();
        for (ChangeEvent change : changes) {
            boolean takes =
                    change.getOp() == Operation.DELETE
                            || beforeTheConstraint.contains(row(change))
                            || balance(change).compareTo(limit) < 0;
            long id = Long.parseLong(change.getEntityId());
            ChangeEvent current = taken.get(id);
            if (takes && (current == null || current.getVersion() < change.getVersion())) {
                taken.put(id, change);
            }
        }
        return taken.values().stream()
                .filter(change -> change.getOp() != Operation.DELETE)
                .map(TargetOutageITCase::row)
                .toList();
    }

    /** The row a change writes, as {@link SequencedWorkload#targetRows()} reads it. */
    private static List<String> row(ChangeEvent change) {
        Map<String, FieldValue> image =
                change.getAfter() != null ? change.getAfter() : change.getBefore();
        return List.of(
                String.valueOf(image.get("id").getValue()),
                String.valueOf(image.get("tenant_id").getValue()),
                String.valueOf(image.get("seq").getValue()),
                balance(change).setScale(2).toPlainString());
    }

    private static BigDecimal balance(ChangeEvent change) {
        Map<String, FieldValue> image =
                change.getAfter() != null ? change.getAfter() : change.getBefore();
        return new BigDecimal(image.get("balance").getValue().toString());
    }

    /** The open TARGET_REJECTED errors: their changes' event ids to their messages. */
    private static Map<String, String> targetRejections(SequencedWorkload workload)
            throws SQLException, IOException {
        Map<String, String> rejections = new TreeMap<>();
        try (Connection connection = SOURCE.connect(workload.targetDb());
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT change, message FROM syncline_errors WHERE code = '"
                                        + ErrorCodes.TARGET_REJECTED
                                        + "' AND status = 'open'")) {
            while (result.next()) {
                ChangeEvent change =
                        ChangeEvent.getDecoder().decode(ByteBuffer.wrap(result.getBytes(1)));
                rejections.put(change.getEventId(), result.getString(2));
            }
        }
        return rejections;
    }
}

package io.syncline.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.embedded.EmbeddedKafkaBroker;
import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.jobs.Poll;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.faults.SequencedWorkload.Verdict;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.faults.FaultPlan;
import io.syncline.operators.faults.InjectedFault;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync job at parallelism 2 on a MiniCluster of two TaskManagers, against its own PostgreSQL
 * (source and target databases) and Kafka broker, through one fault per test while a writer keeps
 * changing the source: a failure inside an operator between resolve and the sinks (in
 * processElement, in snapshotState, in notifyCheckpointComplete), a Kafka broker restart and a
 * PostgreSQL immediate stop and restart. After each, per account, the change topic holds every
 * change exactly once and in order, and the target table equals the source.
 *
 * <p>The servers are this class's own: a crash or restart must not disturb the other test classes'
 * shared ones.
 */
class FaultToleranceITCase {

    private static final Logger LOG = LoggerFactory.getLogger(FaultToleranceITCase.class);

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** Rows in the source before the job starts: its snapshot reads. */
    private static final int SNAPSHOT_ROWS = 30;

    private static final int CHANGES_PER_SECOND = 100;

    /** Changes the writer makes after the fault, while the job recovers. */
    private static final int CHANGES_AFTER_FAULT = 300;

    /** Changes the writer makes while the broker is down: about 5 s. */
    private static final int CHANGES_WHILE_KAFKA_IS_DOWN = 500;

    /** Failed writes (one every 200 ms) while PostgreSQL is down: about 5 s. */
    private static final int WRITES_REFUSED_WHILE_POSTGRES_IS_DOWN = 25;

    /** Heartbeats and read-backs often enough that they happen during the outages. */
    private static final String OBSERVABILITY =
            """
            observability:
              heartbeat:
                interval: 1s
              readBack:
                sampleRate: 0.2
                delay: 2s
            """;

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(2)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    private static EmbeddedPostgresServer postgres;
    private static EmbeddedKafkaBroker kafka;

    @TempDir Path dir;

    @BeforeAll
    static void startServers() {
        postgres = EmbeddedPostgresServer.start();
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopServers() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void failureInProcessElement(@InjectMiniCluster MiniCluster cluster) throws Exception {
        syncThroughInjected("process", FaultPlan.afterRecords(200), cluster);
    }

    @Test
    void failureInSnapshotState(@InjectMiniCluster MiniCluster cluster) throws Exception {
        syncThroughInjected("snapshot", FaultPlan.inSnapshotOf(5), cluster);
    }

    @Test
    void failureInNotifyCheckpointComplete(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Outcome outcome = syncThroughInjected("notify", FaultPlan.onCompletionOf(5), cluster);

        // The job fails while checkpoint 5's transactions are being committed: it restores
        // checkpoint 5 (or a later one) and commits what of it was still open.
        assertThat(outcome.graph().getCheckpointStatsSnapshot().getLatestRestoredCheckpoint())
                .as("the checkpoint restored after the failure")
                .isNotNull()
                .satisfies(restored -> assertThat(restored.getCheckpointId()).isGreaterThan(4));
    }

    @Test
    void kafkaBrokerRestartMidStream(@InjectMiniCluster MiniCluster cluster) throws Exception {
        Outcome outcome =
                syncThrough(
                        "kafka",
                        null,
                        cluster,
                        (job, workload) -> {
                            awaitStreaming(cluster, job, workload);
                            kafka.shutDown();
                            try {
                                awaitWrites(workload, CHANGES_WHILE_KAFKA_IS_DOWN);
                            } finally {
                                kafka.restart();
                            }
                        });

        outcome.verdict().assertExactlyOnceInOrder();
        // The producers wait for the broker and the checkpoints wait for the producers' flush:
        // nothing fails.
        assertThat(outcome.failures()).as("the job's failures").isEmpty();
    }

    @Test
    void postgresImmediateStopAndRestartMidStream(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Outcome outcome =
                syncThrough(
                        "postgres",
                        null,
                        cluster,
                        (job, workload) -> {
                            awaitStreaming(cluster, job, workload);
                            long refused = workload.writeFailures();
                            postgres.crash();
                            try {
                                Poll.until(
                                        TIMEOUT,
                                        "the writer to be refused while PostgreSQL is down",
                                        () ->
                                                workload.writeFailures()
                                                        >= refused
                                                                + WRITES_REFUSED_WHILE_POSTGRES_IS_DOWN);
                            } finally {
                                postgres.restart();
                            }
                        });

        outcome.verdict().assertExactlyOnceInOrder();
        // Source and target are this server. Whichever notices first fails its task: the CDC
        // source, which does not reconnect by itself, or a JDBC writer, once its retries are spent
        // and the circuit breaker opens. The job restarts from its latest checkpoint (again and
        // again while PostgreSQL is down), the source reading on from the checkpoint's position in
        // its replication slot.
        outcome.assertRestarted();
        assertThat(outcome.failures())
                .as("the job's failures")
                .anySatisfy(
                        failure ->
                                assertThat(failure.stackTrace())
                                        .containsAnyOf(
                                                "ConnectException",
                                                "Connection refused",
                                                "PSQLException",
                                                "terminating connection"));
        assertThat(outcome.graph().getCheckpointStatsSnapshot().getLatestRestoredCheckpoint())
                .as("the checkpoint restored after the failure")
                .isNotNull();
    }

    /** What happens to the job and the workload between the writer starting and stopping. */
    @FunctionalInterface
    private interface Fault {
        void happen(JobClient job, SequencedWorkload workload) throws Exception;
    }

    /** What a run came to: the topic's verdict, the job's execution graph and its failures. */
    private record Outcome(Verdict verdict, AccessExecutionGraph graph, List<JobFailure> failures) {

        void assertRestarted() {
            assertThat(graph.getStatusTimestamp(JobStatus.RESTARTING))
                    .as("the time the job last restarted")
                    .isPositive();
        }
    }

    /**
     * One failure the job restarted from, as its exception history lists it.
     *
     * @param task the failing task, empty for a failure of the whole job
     * @param stackTrace the failure's stack trace, with its causes
     */
    private record JobFailure(String task, String stackTrace) {

        /** The innermost cause's line. */
        String cause() {
            String cause = stackTrace.lines().findFirst().orElse("");
            for (String line : stackTrace.lines().toList()) {
                if (line.startsWith("Caused by: ")) {
                    cause = line.substring("Caused by: ".length());
                }
            }
            return cause;
        }
    }

    /**
     * Runs the job (with {@code plan}'s injector, if any) over a fresh workload: snapshot rows,
     * then a writer that keeps going through {@code fault} and {@link #CHANGES_AFTER_FAULT} changes
     * more, then a few deletes; waits until the target equals the source and reads the change
     * topic.
     */
    private Outcome syncThrough(String name, FaultPlan plan, MiniCluster cluster, Fault fault)
            throws Exception {
        try (SequencedWorkload workload = new SequencedWorkload(name, postgres, kafka)) {
            workload.write(SNAPSHOT_ROWS);
            JobClient job = start(workload, plan);
            try {
                workload.startWriting(CHANGES_PER_SECOND);
                fault.happen(job, workload);
                awaitWrites(workload, CHANGES_AFTER_FAULT);
                workload.stopWriting();
                workload.delete(5);

                workload.awaitTargetEqualsSource(TIMEOUT);
                Verdict verdict = workload.verify(TIMEOUT);
                List<JobFailure> failures = failures(cluster, job.getJobID());
                LOG.info(
                        "FAULT-RESULT {} changes={} entities={} restarts={} lost={} duplicated={}"
                                + " outOfOrder={}",
                        name,
                        verdict.changes(),
                        verdict.entities(),
                        failures.size(),
                        verdict.lost(),
                        verdict.duplicated(),
                        verdict.outOfOrder());
                failures.forEach(
                        failure ->
                                LOG.info(
                                        "{} failed in {}: {}",
                                        name,
                                        failure.task().isEmpty() ? "the job" : failure.task(),
                                        failure.cause()));
                return new Outcome(
                        verdict, cluster.getExecutionGraph(job.getJobID()).get(), failures);
            } finally {
                cancel(job);
            }
        }
    }

    private JobClient start(SequencedWorkload workload, FaultPlan plan) throws Exception {
        Path file = dir.resolve("sync.yaml");
        Files.writeString(file, workload.yaml(dir.resolve("checkpoints"), 2, OBSERVABILITY));
        SynclineConfig config = ConfigLoader.load(file);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        var job = SyncJobFactory.create(config);
        (plan == null ? job : job.withFaults(plan)).build(env);
        return env.executeAsync(config.job().name());
    }

    /**
     * Runs the job with {@code plan}'s injector through its fault; checks that nothing was lost,
     * duplicated or reordered and that the injected fault made the job restart.
     */
    private Outcome syncThroughInjected(String name, FaultPlan plan, MiniCluster cluster)
            throws Exception {
        Outcome outcome =
                syncThrough(
                        name, plan, cluster, (job, workload) -> awaitInjectedFault(cluster, job));

        outcome.verdict().assertExactlyOnceInOrder();
        outcome.assertRestarted();
        assertThat(outcome.failures())
                .as("the job's failures")
                .anySatisfy(
                        failure ->
                                assertThat(failure.stackTrace())
                                        .contains(InjectedFault.class.getName())
                                        .contains(plan.toString()));
        return outcome;
    }

    /** Waits until the injector's fault has made the job fail. */
    private static void awaitInjectedFault(MiniCluster cluster, JobClient job) throws Exception {
        Poll.until(
                TIMEOUT,
                "the injected fault",
                () ->
                        failures(cluster, job.getJobID()).stream()
                                .anyMatch(
                                        failure ->
                                                failure.stackTrace()
                                                        .contains(InjectedFault.class.getName())));
    }

    /**
     * Waits until the job streams: its replication slot is in use (the snapshot is done and the
     * stream reads), streamed changes are in the target and a checkpoint completed, so a fault now
     * hits a job that has something to recover.
     */
    private static void awaitStreaming(
            MiniCluster cluster, JobClient job, SequencedWorkload workload) throws Exception {
        Poll.until(
                TIMEOUT,
                "the job to stream into the target with a completed checkpoint",
                () ->
                        slotActive(workload.slotName())
                                && workload.targetRows().size() > SNAPSHOT_ROWS
                                && cluster.getExecutionGraph(job.getJobID())
                                                .get()
                                                .getCheckpointStatsSnapshot()
                                                .getCounts()
                                                .getNumberOfCompletedCheckpoints()
                                        > 0);
    }

    private static boolean slotActive(String slot) throws SQLException {
        try (Connection connection = postgres.connect("postgres");
                PreparedStatement query =
                        connection.prepareStatement(
                                "SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
    }

    private static void awaitWrites(SequencedWorkload workload, int more) throws Exception {
        long target = workload.writes() + more;
        Poll.until(TIMEOUT, more + " more source changes", () -> workload.writes() >= target);
    }

    /**
     * The job's failures as the REST API lists them (its exception history), oldest first: each one
     * a restart from the latest checkpoint, concurrent failures of other tasks counted with it.
     */
    private static List<JobFailure> failures(MiniCluster cluster, JobID job) throws Exception {
        URI rest = cluster.getRestAddress().get();
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(rest.resolve("/jobs/" + job + "/exceptions"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("exceptions of job %s", job).isEqualTo(200);
        List<JobFailure> failures = new ArrayList<>();
        for (JsonNode entry :
                new ObjectMapper()
                        .readTree(response.body())
                        .path("exceptionHistory")
                        .path("entries")) {
            failures.add(
                    0,
                    new JobFailure(
                            entry.path("taskName").asText(""), entry.path("stacktrace").asText()));
        }
        return failures;
    }

    /** Cancels the job and waits until it is gone, so that the next test has its slots. */
    private static void cancel(JobClient job) throws Exception {
        Poll.cancel(job);
        Poll.until(
                TIMEOUT,
                "job " + job.getJobID() + " to end",
                () -> job.getJobStatus().get().isGloballyTerminalState());
    }
}

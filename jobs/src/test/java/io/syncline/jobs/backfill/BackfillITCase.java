package io.syncline.jobs.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.Poll;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.faults.SequencedWorkload;
import io.syncline.jobs.wiring.BackfillJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code syncline backfill} against real PostgreSQL and Kafka on a MiniCluster at parallelism 2:
 * 100,000 accounts backfilled into an empty target arrive row for row; a second backfill of the
 * same accounts while the streaming job applies a writer's updates to them loses none of the
 * updates: the version guard keeps every streamed change committed after a row was read.
 */
class BackfillITCase {

    private static final Logger LOG = LoggerFactory.getLogger(BackfillITCase.class);

    private static final int ACCOUNTS = 100_000;

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** Five key ranges for two readers, 2,000 rows per query. */
    private static final String BACKFILL =
            """
            observability: {enabled: false}
            backfill: {chunkSize: 2000, rowsPerSplit: 20000}
            """;

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    /** Two slots for the streaming job, two for the backfill beside it. */
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .setConfiguration(new Configuration())
                            .build());

    @TempDir Path dir;

    @Test
    void aBackfillIntoAnEmptyTargetCopiesEveryRow() throws Exception {
        try (SequencedWorkload workload =
                new SequencedWorkload("backfill_empty", POSTGRES.server(), KAFKA.server())) {
            workload.load(ACCOUNTS);
            SynclineConfig config = config(workload, "");

            BackfillJobs.Plan plan = backfill(config);

            assertThat(plan.rows()).isEqualTo(ACCOUNTS);
            assertThat(workload.targetRows())
                    .hasSize(ACCOUNTS)
                    .containsExactlyElementsOf(workload.sourceRows());
        }
    }

    @Test
    void aBackfillBesideTheStreamingJobLosesNoUpdate() throws Exception {
        try (SequencedWorkload workload =
                new SequencedWorkload("backfill_beside", POSTGRES.server(), KAFKA.server())) {
            workload.load(ACCOUNTS);
            // The streaming job streams from now on; the first backfill brings the rows before.
            SynclineConfig config = config(workload, "    startup: latest\n");
            backfill(config);
            JobClient streaming = startStreaming(config);
            try {
                // Streaming from now on: only changes after its replication slot are streamed.
                Poll.until(
                        TIMEOUT,
                        "the streaming job to read its replication slot",
                        () -> slotActive(workload));
                workload.write(1);
                workload.awaitTargetEqualsSource(TIMEOUT);
                workload.startWriting(200);
                long writesBefore = workload.writes();

                BackfillJobs.Plan plan = backfill(config);

                long writesDuring = workload.writes() - writesBefore;
                workload.stopWriting();
                workload.awaitTargetEqualsSource(TIMEOUT);
                LOG.info(
                        "BACKFILL-RESULT beside-streaming rows={} writesDuringBackfill={}"
                                + " totalWrites={}",
                        plan.rows(),
                        writesDuring,
                        workload.writes());
                assertThat(writesDuring).as("updates while the backfill ran").isPositive();
                assertThat(workload.targetRows()).hasSizeGreaterThanOrEqualTo(ACCOUNTS);
            } finally {
                Poll.cancel(streaming);
            }
        }
    }

    private static boolean slotActive(SequencedWorkload workload) throws Exception {
        try (Connection connection = POSTGRES.server().connect(workload.sourceDb());
                PreparedStatement query =
                        connection.prepareStatement(
                                "SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, workload.slotName());
            try (ResultSet slot = query.executeQuery()) {
                return slot.next() && slot.getBoolean(1);
            }
        }
    }

    /** Runs a backfill of every account and waits for it to finish. */
    private BackfillJobs.Plan backfill(SynclineConfig config) throws Exception {
        BackfillJobs.Plan plan =
                BackfillJobs.plan(
                        config, config.backfill(), BackfillJobs.Request.ALL, Clock.systemUTC());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(BackfillJobs.configuration(plan));
        env.setParallelism(config.backfill().parallelism());
        env.getConfig().disableGenericTypes();
        BackfillJobs.create(plan, Clock.systemUTC()).build(env);
        JobExecutionResult result = env.execute(plan.runId());
        LOG.info(
                "BACKFILL-RESULT {} rows={} took={}ms",
                plan.runId(),
                plan.rows(),
                result.getNetRuntime());
        return plan;
    }

    private JobClient startStreaming(SynclineConfig config) throws Exception {
        return SequencedWorkload.startSyncJob(config);
    }

    /** The workload's configuration at parallelism 2, with {@code sourceSettings} on its source. */
    private SynclineConfig config(SequencedWorkload workload, String sourceSettings)
            throws Exception {
        String yaml =
                workload.yaml(dir.resolve("checkpoints"), 2, BACKFILL)
                        .replace("    tables:\n", sourceSettings + "    tables:\n");
        Path file = dir.resolve("syncline.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }
}

package io.syncline.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.JobAttempts;
import io.syncline.jobs.Poll;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * A job that Flink restarts from a checkpoint taken during its initial snapshot reads the chunks it
 * had not finished again, and those reads hold every change made since the first: they must win
 * over the rows the first reads left in the target. (They lost when every snapshot read carried the
 * snapshot's start as its version and commit time, which a restart within the job keeps: the target
 * kept the first reads for good, since Flink CDC streams a re-read chunk's rows only from its new
 * high watermark.)
 */
class SnapshotRestoreITCase {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotRestoreITCase.class);

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private static final int ROWS = 3_000;

    @RegisterExtension static final PostgresExtension SOURCE = new PostgresExtension();

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
    void cancelTheJobs() throws Exception {
        for (JobClient job : jobs) {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                Poll.cancel(job);
            }
        }
    }

    @Test
    void chunksReadAgainAfterARestoreWinOverTheirFirstReads(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        try (SequencedWorkload workload =
                new SequencedWorkload("snapshot_restore", SOURCE.server(), KAFKA.server())) {
            workload.load(ROWS);
            JobClient job = start(workload);
            Poll.until(
                    TIMEOUT,
                    "the snapshot's first rows in the target",
                    () -> workload.targetRowCount() > 0);
            String checkpoint = cluster.triggerCheckpoint(job.getJobID()).get();
            int atCheckpoint = workload.targetRowCount();
            // Rows that reach the target after the checkpoint completed were read after its
            // barrier: the checkpoint holds their chunks as unfinished.
            Poll.until(
                    TIMEOUT,
                    "rows read after the checkpoint in the target",
                    () -> workload.targetRowCount() > atCheckpoint);
            SOURCE.execute(workload.sourceDb(), "UPDATE accounts SET seq = seq + 1");
            int atUpdate = workload.targetRowCount();
            assertThat(atUpdate).as("rows in the target at the update").isLessThan(ROWS);

            // The target refuses connections: the job fails and Flink restarts it from the
            // checkpoint, again and again, until the target takes them again.
            JobAttempts.restartByRefusingConnections(
                    SOURCE, workload.targetDb(), cluster, job.getJobID());

            workload.awaitTargetEqualsSource(TIMEOUT);
            LOG.info(
                    "SNAPSHOT-RESTORE rows={} atCheckpoint={} atUpdate={} restarts={}",
                    ROWS,
                    atCheckpoint,
                    atUpdate,
                    JobAttempts.restarts(cluster, job.getJobID()));
            assertThat(JobAttempts.restoredCheckpoint(cluster, job.getJobID()))
                    .as("the checkpoint the restarts restored")
                    .isEqualTo(checkpoint);
        }
    }

    /**
     * Submits the sync job over {@code workload}, snapshotting in chunks of 100 rows and taking no
     * checkpoint of its own for two minutes.
     */
    private JobClient start(SequencedWorkload workload) throws Exception {
        String yaml =
                workload.yaml(dir.resolve("checkpoints"), 2, "observability: {enabled: false}")
                        .replace("  interval: 1s\n", "  interval: 2m\n")
                        .replace("    tables:\n", "    snapshotChunkSize: 100\n    tables:\n");
        Path file = dir.resolve("syncline.yaml");
        Files.writeString(file, yaml);
        SynclineConfig config = ConfigLoader.load(file);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        SyncJobFactory.create(config).build(env);
        JobClient job = env.executeAsync(config.job().name());
        jobs.add(job);
        return job;
    }
}

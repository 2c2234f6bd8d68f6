package io.syncline.jobs.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.CliRun;
import io.syncline.jobs.Poll;
import io.syncline.jobs.faults.SequencedWorkload;
import io.syncline.jobs.faults.SequencedWorkload.Verdict;
import io.syncline.jobs.ops.ClusterException;
import io.syncline.jobs.ops.ClusterJobs;
import io.syncline.jobs.ops.FlinkRest;
import io.syncline.jobs.ops.FlinkRest.Checkpoint;
import io.syncline.jobs.ops.FlinkRest.JobDetails;
import io.syncline.jobs.ops.FlinkRest.Vertex;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code syncline} cluster commands against a real session cluster ({@code
 * deploy/local/cluster.sh}: a JobManager and TaskManagers as their own JVMs, running the shaded job
 * jar) while a workload writes about 150 changes a second: submit, kill -9 a TaskManager that runs
 * the job three times (a replacement joins each time), take a savepoint, upgrade to a changed job
 * (parallelism 3, the observability stages added), stop it with a savepoint and roll back to the
 * first version from there. Then every change is in the change topic exactly once and in order, and
 * the target equals the source. Runs in the {@code package} phase after the job jar is shaded, like
 * {@link LocalClusterITCase}.
 */
class ClusterOperationsITCase {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterOperationsITCase.class);

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final int KILLS = 3;
    private static final int CHANGES_PER_SECOND = 150;
    private static final Duration RECOVERY = Duration.ofMinutes(2);

    @TempDir Path workDir;

    private long started;

    @Test
    void everyChangeOnceAndInOrderThroughKilledTaskManagersAnUpgradeAndARollback()
            throws Exception {
        started = System.nanoTime();
        Path firstJar = LocalCluster.jobJar();
        // The "new version" is the same build under another name: what changes is the job graph,
        // through the configuration.
        Path nextJar = Files.copy(firstJar, workDir.resolve("syncline-jobs-next-job.jar"));
        try (LocalCluster cluster = LocalCluster.start("ClusterOperationsITCase", KILLS);
                SequencedWorkload workload =
                        new SequencedWorkload("clusterops", POSTGRES.server(), KAFKA.server())) {
            FlinkRest rest = new FlinkRest(cluster.rest());
            Path checkpoints = cluster.workDir().resolve("checkpoints");
            Path first =
                    Files.writeString(
                            workDir.resolve("sync-v1.yaml"),
                            workload.yaml(checkpoints, 1, "observability:\n  enabled: false"));
            // Adds stateful operators (quality windows, source lag, alerts), which start empty,
            // and removes none: the savepoint restores without allowNonRestoredState.
            Path next =
                    Files.writeString(
                            workDir.resolve("sync-v2.yaml"), workload.yaml(checkpoints, 3, ""));
            workload.write(100);
            progress("cluster up");

            // The job jar is found next to the CLI's classes; --parallelism overrides the file's.
            CliRun submit =
                    cli(cluster, "submit", "--config", first.toString(), "--parallelism", "2");
            String firstJob = submit.value("job id");
            assertThat(maxParallelism(rest.job(firstJob))).isEqualTo(2);
            workload.startWriting(CHANGES_PER_SECOND);
            awaitCheckpointSinceRunning(rest, firstJob);
            progress("submitted " + firstJob);

            for (int kill = 1; kill <= KILLS; kill++) {
                String taskManager = taskManagerRunning(cluster, firstJob);
                ProcessHandle process =
                        ProcessHandle.of(cluster.pids().get(taskManager)).orElseThrow();
                process.destroyForcibly(); // SIGKILL, as kill -9
                process.onExit().get();
                cluster.addTaskManager();
                awaitRecovered(rest, firstJob, kill);
                progress("killed " + taskManager + ", job recovered and checkpointed");
            }
            long restarts = rest.restarts(firstJob).orElseThrow();
            CliRun status = cli(cluster, "status", "--config", first.toString());
            assertThat(status.value("restarts")).isEqualTo(String.valueOf(restarts));
            assertThat(status.value("state")).startsWith("RUNNING since");

            CliRun savepoint = cli(cluster, "savepoint", "--config", first.toString());
            assertThat(Path.of(URI.create(savepoint.value("savepoint"))).resolve("_metadata"))
                    .isRegularFile();
            assertThat(rest.job(firstJob).state()).isEqualTo("RUNNING");
            progress("savepoint");

            long writtenBeforeUpgrade = workload.writes();
            CliRun upgrade =
                    cli(
                            cluster,
                            "upgrade",
                            "--config",
                            next.toString(),
                            "--jar",
                            nextJar.toString());
            assertThat(upgrade.value("old job")).contains(firstJob);
            assertThat(workload.writes())
                    .as("writes during the upgrade")
                    .isGreaterThan(writtenBeforeUpgrade);
            String upgradeSavepoint = upgrade.value("savepoint");
            String nextJob = upgrade.value("new job id");
            assertThat(rest.job(firstJob).state()).isEqualTo("FINISHED");
            JobDetails upgraded = rest.job(nextJob);
            assertThat(maxParallelism(upgraded)).isEqualTo(3);
            assertThat(upgraded.vertices())
                    .extracting(Vertex::name)
                    .anyMatch(name -> name.contains("quality and lag windows"));
            assertThat(rest.checkpoints(nextJob).restoredFrom()).isEqualTo(upgradeSavepoint);
            awaitCheckpointSinceRunning(rest, nextJob);
            progress("upgraded to " + nextJob);

            // Roll back to the first version and configuration from the new one's last state;
            // its observability operators' state has no place there.
            CliRun stop = cli(cluster, "stop", "--savepoint", "--config", next.toString());
            String stopSavepoint = stop.value("savepoint");
            assertThat(rest.job(nextJob).state()).isEqualTo("FINISHED");
            CliRun resume =
                    cli(
                            cluster,
                            "resume",
                            "--from",
                            stopSavepoint,
                            "--config",
                            first.toString(),
                            "--jar",
                            firstJar.toString(),
                            "--parallelism",
                            "2",
                            "--allow-non-restored-state");
            String rolledBack = resume.value("job id");
            assertThat(rest.checkpoints(rolledBack).restoredFrom()).isEqualTo(stopSavepoint);
            assertThat(maxParallelism(rest.job(rolledBack))).isEqualTo(2);
            progress("rolled back to " + rolledBack);

            workload.stopWriting();
            workload.delete(10);
            workload.awaitTargetEqualsSource(Duration.ofMinutes(2));
            Verdict verdict = workload.verify(Duration.ofMinutes(1));
            LOG.info(
                    "FAULT-RESULT cluster-kill9-upgrade changes={} entities={} restarts={} lost={}"
                            + " duplicated={} outOfOrder={}",
                    verdict.changes(),
                    verdict.entities(),
                    restarts,
                    verdict.lost(),
                    verdict.duplicated(),
                    verdict.outOfOrder());
            verdict.assertExactlyOnceInOrder();
            assertThat(restarts)
                    .as("numRestarts of job %s", firstJob)
                    .isGreaterThanOrEqualTo(KILLS);
            progress("verified " + verdict);

            String lastSavepoint =
                    cli(cluster, "stop", "--savepoint", "--config", first.toString())
                            .value("savepoint");
            assertRestoreRefusedWithoutSlot(
                    cluster, rest, workload, first, firstJar, lastSavepoint);
            assertThat(rest.jobs()).allMatch(FlinkRest.JobSummary::ended);
            cluster.stop();
            progress("cluster stopped");
        }
    }

    /**
     * Once the source's replication slot is gone, a start from a savepoint is refused, by the CLI
     * before it uploads anything and by the JobManager for a jar run that bypasses the CLI (the web
     * UI, flink run -s), with the reason in the answer.
     */
    private void assertRestoreRefusedWithoutSlot(
            LocalCluster cluster,
            FlinkRest rest,
            SequencedWorkload workload,
            Path config,
            Path jar,
            String savepoint)
            throws Exception {
        String slot = "syncline_accounts_clusterops";
        Poll.until(
                Duration.ofSeconds(30),
                "replication slot " + slot + " dropped",
                () -> {
                    try {
                        POSTGRES.execute(
                                workload.sourceDb(),
                                "SELECT pg_drop_replication_slot('" + slot + "')");
                        return true;
                    } catch (RuntimeException stillActive) {
                        return false;
                    }
                });
        String refusal = "replication slot '" + slot + "' does not exist";
        CliRun resume =
                CliRun.of(
                        "resume",
                        "--rest",
                        cluster.rest(),
                        "--from",
                        savepoint,
                        "--config",
                        config.toString());
        assertThat(resume.exitCode()).isEqualTo(1);
        assertThat(resume.err()).contains(refusal);
        assertThat(resume.out()).doesNotContain("uploaded");

        String jarId = rest.uploadJar(jar);
        assertThatThrownBy(
                        () ->
                                new ClusterJobs(rest)
                                        .run(
                                                jarId,
                                                List.of("run", "--config", config.toString()),
                                                savepoint,
                                                false))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining(refusal);
        assertThat(cluster.get("/jars").path("files")).isEmpty();
    }

    private static CliRun cli(LocalCluster cluster, String... args) {
        List<String> withRest = new ArrayList<>(List.of(args));
        withRest.add("--rest");
        withRest.add(cluster.rest());
        CliRun run = CliRun.of(withRest.toArray(String[]::new));
        LOG.info("syncline {}\n{}{}", String.join(" ", args), run.out(), run.err());
        assertThat(run.exitCode())
                .as("syncline %s: %s", String.join(" ", args), run.err())
                .isZero();
        return run;
    }

    /** A TaskManager that runs subtasks of the job. */
    private static String taskManagerRunning(LocalCluster cluster, String jobId) throws Exception {
        TreeSet<String> taskManagers = new TreeSet<>();
        JsonNode job = cluster.get("/jobs/" + jobId);
        for (JsonNode vertex : job.path("vertices")) {
            JsonNode hosts =
                    cluster.get(
                            "/jobs/"
                                    + jobId
                                    + "/vertices/"
                                    + vertex.path("id").asText()
                                    + "/taskmanagers");
            hosts.path("taskmanagers")
                    .forEach(tm -> taskManagers.add(tm.path("taskmanager-id").asText()));
        }
        assertThat(taskManagers).as("TaskManagers running job %s", jobId).isNotEmpty();
        return taskManagers.first();
    }

    /**
     * Waits until the job restarted at least {@code restarts} times, runs every task again and has
     * completed a checkpoint since.
     */
    private static void awaitRecovered(FlinkRest rest, String jobId, int restarts)
            throws Exception {
        Poll.until(
                RECOVERY,
                "job " + jobId + " restarted " + restarts + " times, running and checkpointing",
                () ->
                        rest.restarts(jobId).orElse(0) >= restarts
                                && checkpointedSinceRunning(rest, jobId));
    }

    private static void awaitCheckpointSinceRunning(FlinkRest rest, String jobId) throws Exception {
        Poll.until(
                RECOVERY,
                "job " + jobId + " running and checkpointing",
                () -> checkpointedSinceRunning(rest, jobId));
    }

    private static boolean checkpointedSinceRunning(FlinkRest rest, String jobId) {
        JobDetails job = rest.job(jobId);
        Checkpoint latest = rest.checkpoints(jobId).latest();
        return job.allRunning() && latest != null && latest.completedAt() > job.runningSince();
    }

    private static int maxParallelism(JobDetails job) {
        return job.vertices().stream().mapToInt(Vertex::parallelism).max().orElse(0);
    }

    private void progress(String step) {
        LOG.info("{} s: {}", Duration.ofNanos(System.nanoTime() - started).toSeconds(), step);
    }
}

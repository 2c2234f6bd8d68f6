package io.syncline.jobs.cli;

import static io.syncline.jobs.ops.FakeFlink.overviewEntry;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.CliRun;
import io.syncline.jobs.faults.SequencedWorkload;
import io.syncline.jobs.ops.FakeFlink;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code upgrade} and {@code submit} refuse to do, with a configuration whose systems are real
 * (PostgreSQL and Kafka, so that it validates) and a stand-in for the Flink REST API that fails
 * where a cluster can: nothing new starts and the old job keeps running.
 */
class ClusterCommandsITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final String JOB = "5b3a0d6f1c2e4a7b8c9d0e1f2a3b4c5d";
    private static final String JAR_ID = "4f3c_syncline-jobs-next-job.jar";

    @TempDir static Path dir;

    private static SequencedWorkload workload;
    private static Path config;
    private static Path jar;

    @BeforeAll
    static void createSource() throws Exception {
        workload = new SequencedWorkload("cmds", POSTGRES.server(), KAFKA.server());
        // The slot a running job of this configuration would hold.
        POSTGRES.execute(
                workload.sourceDb(),
                "SELECT pg_create_logical_replication_slot('syncline_accounts_cmds', 'pgoutput')");
        config =
                Files.writeString(
                        dir.resolve("sync.yaml"), workload.yaml(dir.resolve("checkpoints"), 2, ""));
        jar = Files.write(dir.resolve("syncline-jobs-next-job.jar"), new byte[] {1, 2, 3});
    }

    @AfterAll
    static void close() throws InterruptedException {
        workload.close();
    }

    /** The cluster has one job of the configuration's name, in {@code state}. */
    private static void runningJob(FakeFlink flink, String state) {
        flink.on(
                "GET /jobs/overview",
                "{\"jobs\":[" + overviewEntry(JOB, "faults-cmds", state, 1000) + "]}");
    }

    /** Runs {@code syncline <command>} with the configuration and jar against {@code flink}. */
    private static CliRun syncline(FakeFlink flink, String command) {
        return CliRun.of(
                command,
                "--rest",
                flink.url(),
                "--config",
                config.toString(),
                "--jar",
                jar.toString());
    }

    @Test
    void upgradeLeavesTheOldJobRunningWhenItsSavepointFails() throws Exception {
        try (FakeFlink flink = new FakeFlink()) {
            runningJob(flink, "RUNNING");
            flink.on(
                    "POST /jars/upload",
                    "{\"filename\":\"/tmp/flink-web-upload/"
                            + JAR_ID
                            + "\",\"status\":\"success\"}");
            flink.on("DELETE /jars/" + JAR_ID, "{}");
            flink.on("POST /jobs/" + JOB + "/stop", 202, "{\"request-id\":\"t1\"}");
            flink.on(
                    "GET /jobs/" + JOB + "/savepoints/t1",
                    "{\"status\":{\"id\":\"COMPLETED\"},\"operation\":{\"failure-cause\":{"
                            + "\"class\":\"org.apache.flink.util.FlinkException\",\"stack-trace\":"
                            + "\"org.apache.flink.util.FlinkException: Failed to trigger"
                            + " savepoint.\\n\\tat X.y(X.java:1)\\nCaused by: java.io.IOException:"
                            + " No space left on device\\n\\tat Z.z(Z.java:2)\\n\"}}}");
            flink.on(
                    "GET /jobs/" + JOB,
                    "{\"jid\":\""
                            + JOB
                            + "\",\"name\":\"faults-cmds\",\"state\":\"RUNNING\","
                            + "\"start-time\":1000,\"vertices\":[]}");

            CliRun upgrade = syncline(flink, "upgrade");

            assertThat(upgrade.exitCode()).as(upgrade.out()).isEqualTo(SynclineCli.FAILED);
            assertThat(upgrade.err())
                    .contains(
                            "the savepoint of job " + JOB + " failed: No space left on device",
                            "upgrade refused: nothing new was started; job " + JOB + " is RUNNING");
            assertThat(upgrade.out()).doesNotContain("new job id");
            assertThat(flink.requests())
                    .contains("POST /jobs/" + JOB + "/stop", "DELETE /jars/" + JAR_ID)
                    .noneMatch(request -> request.endsWith("/run"));
        }
    }

    @Test
    void submitRefusesASecondJobOfTheSameName() throws Exception {
        try (FakeFlink flink = new FakeFlink()) {
            runningJob(flink, "RESTARTING");

            CliRun submit = syncline(flink, "submit");

            assertThat(submit.exitCode()).isEqualTo(SynclineCli.FAILED);
            assertThat(submit.err())
                    .contains(
                            "job 'faults-cmds' (" + JOB + ") is already RESTARTING",
                            "syncline upgrade",
                            "syncline stop --savepoint --job " + JOB);
            assertThat(flink.requests()).containsExactly("GET /jobs/overview");
        }
    }
}

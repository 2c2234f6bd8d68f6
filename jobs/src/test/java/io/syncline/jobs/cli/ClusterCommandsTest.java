package io.syncline.jobs.cli;

import static io.syncline.jobs.ops.FakeFlink.overviewEntry;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.jobs.CliRun;
import io.syncline.jobs.ops.FakeFlink;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster commands' arguments, job selection, output and exit codes against a stand-in for the
 * Flink REST API; {@code ClusterOperationsITCase} runs them on a real cluster.
 */
class ClusterCommandsTest {

    private static final String JOB = "5b3a0d6f1c2e4a7b8c9d0e1f2a3b4c5d";
    private static final String OTHER = "0019b66dbb000ecf7dea94a62b013177";

    private final FakeFlink flink;

    @TempDir Path dir;

    ClusterCommandsTest() throws IOException {
        flink = new FakeFlink();
    }

    @AfterEach
    void stop() {
        flink.close();
    }

    private CliRun syncline(String... args) {
        String[] withRest = new String[args.length + 2];
        System.arraycopy(args, 0, withRest, 0, args.length);
        withRest[args.length] = "--rest";
        withRest[args.length + 1] = flink.url();
        return CliRun.of(withRest);
    }

    private void jobs(String... entries) {
        flink.on("GET /jobs/overview", "{\"jobs\":[" + String.join(",", entries) + "]}");
    }

    private void job(String id, String state) {
        flink.on(
                "GET /jobs/" + id,
                ("{\"jid\":\"%s\",\"name\":\"faults-x\",\"state\":\"%s\",\"start-time\":1000,"
                                + "\"now\":61000,\"timestamps\":{\"RUNNING\":%d},\"vertices\":["
                                + "{\"id\":\"v1\",\"name\":\"Source: source: crm -> decode: crm\","
                                + "\"parallelism\":2,\"status\":\"%s\"}]}")
                        .formatted(id, state, state.equals("RUNNING") ? 1000 : 0, state));
    }

    @Test
    void statusOfARunningJobShowsRestartsCheckpointsAndLoadAndExitsZero() {
        jobs(overviewEntry(JOB, "faults-x", "RUNNING", 1000));
        job(JOB, "RUNNING");
        flink.on(
                "GET /jobs/" + JOB + "/metrics?get=numRestarts",
                "[{\"id\":\"numRestarts\",\"value\":\"3\"}]");
        flink.on(
                "GET /jobs/" + JOB + "/checkpoints",
                "{\"counts\":{\"in_progress\":0,\"completed\":57,\"failed\":1},\"latest\":{"
                        + "\"completed\":{\"id\":57,\"latest_ack_timestamp\":59000,"
                        + "\"state_size\":1258291,\"checkpointed_size\":1258291,"
                        + "\"external_path\":\"file:/c/chk-57\"},\"savepoint\":null,"
                        + "\"restored\":null}}");
        flink.on(
                "GET /jobs/"
                        + JOB
                        + "/vertices/v1/subtasks/metrics?get=busyTimeMsPerSecond,"
                        + "backPressuredTimeMsPerSecond",
                "[{\"id\":\"busyTimeMsPerSecond\",\"min\":100.0,\"max\":350.0},"
                        + "{\"id\":\"backPressuredTimeMsPerSecond\",\"min\":0.0,\"max\":0.0}]");

        CliRun status = syncline("status", "--name", "faults-x");

        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.value("job")).isEqualTo("'faults-x' (" + JOB + ")");
        assertThat(status.value("state"))
                .isEqualTo(
                        "RUNNING since 1970-01-01T00:00:01Z (up 1m 0s; submitted"
                                + " 1970-01-01T00:00:01Z)");
        assertThat(status.value("restarts")).isEqualTo("3");
        assertThat(status.value("checkpoints")).isEqualTo("57 completed, 1 failed, 0 in progress");
        assertThat(status.value("last checkpoint"))
                .isEqualTo("#57 at 1970-01-01T00:00:59Z (2s ago), 1.2 MB, file:/c/chk-57");
        assertThat(status.value("last savepoint")).isEqualTo("none");
        assertThat(status.out())
                .containsPattern("Source: source: crm -> decode: crm +2 +RUNNING +35% +0%");
    }

    @Test
    void statusOfAFailedJobExitsThreeAndNamesTheState() {
        jobs(overviewEntry(JOB, "faults-x", "FAILED", 1000));
        job(JOB, "FAILED");
        flink.on("GET /jobs/" + JOB + "/metrics?get=numRestarts", "[]");
        flink.on(
                "GET /jobs/" + JOB + "/checkpoints",
                "{\"counts\":{\"in_progress\":0,\"completed\":0,\"failed\":0},\"latest\":{}}");

        CliRun status = syncline("status", "--name", "faults-x");

        assertThat(status.exitCode()).isEqualTo(StatusCommand.NOT_RUNNING);
        assertThat(status.value("state")).startsWith("FAILED");
        assertThat(status.value("restarts")).isEqualTo("-");
    }

    @Test
    void twoRunningJobsOfTheNameAreAmbiguous() {
        jobs(
                overviewEntry(JOB, "faults-x", "RUNNING", 2000),
                overviewEntry(OTHER, "faults-x", "RUNNING", 1000));

        CliRun savepoint = syncline("savepoint", "--name", "faults-x");

        assertThat(savepoint.exitCode()).isEqualTo(SynclineCli.FAILED);
        assertThat(savepoint.err())
                .contains("2 RUNNING jobs named 'faults-x'", JOB, OTHER, "pick one with --job ID");
        assertThat(flink.requests()).containsExactly("GET /jobs/overview");
    }

    @Test
    void noRunningJobOfTheNameListsWhatThereIs() {
        jobs(
                overviewEntry(JOB, "faults-x", "FINISHED", 2000),
                overviewEntry(OTHER, "other", "RUNNING", 1000));

        CliRun stop = syncline("stop", "--savepoint", "--name", "faults-x");

        assertThat(stop.exitCode()).isEqualTo(SynclineCli.FAILED);
        assertThat(stop.err())
                .contains(
                        "no RUNNING job named 'faults-x' on " + flink.url(),
                        JOB + " 'faults-x' FINISHED",
                        OTHER + " 'other' RUNNING");
    }

    /** The cluster's only job is RUNNING; its savepoint completes with {@code operation}. */
    private void savepointOfTheOnlyJob(String operation) {
        jobs(overviewEntry(JOB, "faults-x", "RUNNING", 1000));
        flink.on("POST /jobs/" + JOB + "/savepoints", 202, "{\"request-id\":\"t1\"}");
        flink.on(
                "GET /jobs/" + JOB + "/savepoints/t1",
                "{\"status\":{\"id\":\"COMPLETED\"},\"operation\":" + operation + "}");
    }

    @Test
    void aSavepointIsCanonicalGoesToTheDirectoryGivenAndPrintsItsPath() {
        savepointOfTheOnlyJob("{\"location\":\"file:/sp/savepoint-5b3a0d-1\"}");

        CliRun savepoint = syncline("savepoint", "--dir", dir.resolve("sp").toString());

        assertThat(savepoint.exitCode()).as(savepoint.err()).isZero();
        assertThat(savepoint.value("savepoint")).isEqualTo("file:/sp/savepoint-5b3a0d-1");
        assertThat(flink.body("POST /jobs/" + JOB + "/savepoints"))
                .contains("\"formatType\":\"CANONICAL\"")
                .contains("\"cancel-job\":false")
                .contains("\"target-directory\":\"" + dir.resolve("sp").toUri() + "\"");
    }

    @Test
    void aFailedSavepointExitsOneWithFlinksCause() {
        savepointOfTheOnlyJob(
                "{\"failure-cause\":{"
                        + "\"class\":\"org.apache.flink.runtime.checkpoint.CheckpointException\","
                        + "\"stack-trace\":\"org.apache.flink.runtime.checkpoint"
                        + ".CheckpointException: Checkpoint expired before completing.\\n\\tat"
                        + " X.y(X.java:1)\\n\"}}");

        CliRun savepoint = syncline("savepoint");

        assertThat(savepoint.exitCode()).isEqualTo(SynclineCli.FAILED);
        assertThat(savepoint.err())
                .contains(
                        "the savepoint of job "
                                + JOB
                                + " failed: Checkpoint expired before"
                                + " completing.; the job keeps running");
    }

    @Test
    void stopOnlyStopsWithASavepoint() {
        CliRun stop = syncline("stop");

        assertThat(stop.exitCode()).isEqualTo(2);
        assertThat(stop.err()).contains("Missing required option: '--savepoint'");
        assertThat(flink.requests()).isEmpty();
    }

    @Test
    void badStartArgumentsAreUsageErrorsBeforeAnythingConnects() {
        CliRun zero = syncline("submit", "--config", "sync.yaml", "--parallelism", "0");
        CliRun noJar =
                syncline(
                        "submit",
                        "--config",
                        "sync.yaml",
                        "--jar",
                        dir.resolve("no.jar").toString());
        CliRun upgrade = syncline("upgrade", "--config", "sync.yaml");
        CliRun resume = syncline("resume", "--config", "sync.yaml");

        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--parallelism must be at least 1");
        assertThat(noJar.exitCode()).isEqualTo(2);
        assertThat(noJar.err()).contains("no.jar: no such file");
        assertThat(upgrade.exitCode()).isEqualTo(2);
        assertThat(upgrade.err()).contains("upgrade needs --jar");
        assertThat(resume.exitCode()).isEqualTo(2);
        assertThat(resume.err()).contains("Missing required option: '--from=<savepoint>'");
        assertThat(flink.requests()).isEmpty();
    }

    @Test
    void aBadConfigurationFailsBeforeAnythingIsUploaded() throws IOException {
        Path config = java.nio.file.Files.writeString(dir.resolve("bad.yaml"), "job: {name: x}\n");

        CliRun submit = syncline("submit", "--config", config.toString());

        assertThat(submit.exitCode()).isEqualTo(SynclineCli.BAD_CONFIG);
        assertThat(submit.err()).contains(config.toString(), "sources");
        assertThat(flink.requests()).isEmpty();
    }
}

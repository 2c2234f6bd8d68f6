package io.syncline.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.jobs.ops.FlinkRest.CheckpointStats;
import io.syncline.jobs.ops.FlinkRest.SavepointStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the REST client reads Flink's answers and says what went wrong. */
class FlinkRestTest {

    private static final String JOB = "5b3a0d6f1c2e4a7b8c9d0e1f2a3b4c5d";

    private final FakeFlink flink;
    private final FlinkRest rest;

    @TempDir Path dir;

    FlinkRestTest() throws IOException {
        flink = new FakeFlink();
        rest = new FlinkRest(flink.url());
    }

    @AfterEach
    void stop() {
        flink.close();
    }

    @Test
    void anUnreachableClusterNamesTheAddressAndHowToStartOne() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        FlinkRest nowhere = new FlinkRest("http://localhost:" + closedPort);

        assertThatThrownBy(nowhere::jobs)
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining(
                        "cannot reach the Flink REST API at http://localhost:"
                                + closedPort
                                + " (connection refused)")
                .hasMessageContaining("deploy/local/cluster.sh start")
                .hasMessageContaining("--rest");
    }

    @Test
    void somethingThatIsNoUrlIsRefusedWithAnExample() {
        assertThatThrownBy(() -> new FlinkRest("localhost:8081"))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("'localhost:8081' is not the URL")
                .hasMessageContaining("http://localhost:8081");
    }

    @Test
    void anUnknownJobIsNamedWithHowToListTheJobs() {
        flink.on(
                "GET /jobs/" + JOB,
                404,
                "{\"errors\":[\"org.apache.flink.runtime.rest.NotFoundException: Job "
                        + JOB
                        + " not found\"]}");

        assertThatThrownBy(() -> rest.job(JOB))
                .isInstanceOf(ClusterException.class)
                .hasMessage(
                        "no job "
                                + JOB
                                + " on the cluster at "
                                + flink.url()
                                + "; see the cluster's jobs with: syncline status --rest "
                                + flink.url());
    }

    @Test
    void aFailedRunSaysWhyTheJobsMainFailedWithoutTheStackTrace() throws IOException {
        flink.on(
                "POST /jars/abc_job.jar/run",
                500,
                FakeFlink.serverError(
                        "Could not execute application.",
                        "java.lang.IllegalStateException: source 'crm': restoring from"
                                + " file:/sp/savepoint-1, but replication slot 'syncline_crm'"
                                + " does not exist"));

        assertThatThrownBy(
                        () ->
                                rest.runJar(
                                        "abc_job.jar",
                                        ClusterJobs.ENTRY_CLASS,
                                        List.of("run", "--config", "/c.yaml"),
                                        "file:/sp/savepoint-1",
                                        false))
                .isInstanceOf(ClusterException.class)
                .hasMessage(
                        "could not run the job jar: the cluster at "
                                + flink.url()
                                + " answered HTTP 500: source 'crm': restoring from"
                                + " file:/sp/savepoint-1, but replication slot 'syncline_crm'"
                                + " does not exist");
    }

    @Test
    void theRootCauseKeepsAMessageOfSeveralLinesAndDropsTheFrames() {
        String trace =
                "org.apache.flink.client.program.ProgramInvocationException: The main method"
                        + " caused an error: a.yaml: job.name: x\n\tat Foo.bar(Foo.java:1)\n"
                        + "Caused by: java.lang.IllegalStateException: a.yaml: job.name: x\n"
                        + "a.yaml: sources: at least one source is required\n"
                        + "\tat io.syncline.jobs.cli.SynclineCli.main(SynclineCli.java:70)\n"
                        + "\t... 12 more\n";

        assertThat(FlinkRest.rootCause(trace))
                .isEqualTo("a.yaml: job.name: x\na.yaml: sources: at least one source is required");
        assertThat(FlinkRest.rootCause("no stack trace at all")).isEqualTo("no stack trace at all");
    }

    @Test
    void aFailedSavepointCarriesFlinksCause() {
        flink.on(
                "GET /jobs/" + JOB + "/savepoints/t1",
                "{\"status\":{\"id\":\"COMPLETED\"},\"operation\":{\"failure-cause\":{\"class\":"
                        + "\"org.apache.flink.util.FlinkException\",\"stack-trace\":"
                        + "\"org.apache.flink.util.FlinkException: Triggering a savepoint for the"
                        + " job failed.\\n\\tat X.y(X.java:1)\\nCaused by:"
                        + " org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint"
                        + " expired before completing.\\n\\tat Z.z(Z.java:2)\\n\"}}}");
        flink.on(
                "GET /jobs/" + JOB + "/savepoints/t2",
                "{\"status\":{\"id\":\"IN_PROGRESS\"},\"operation\":null}");
        flink.on(
                "GET /jobs/" + JOB + "/savepoints/t3",
                "{\"status\":{\"id\":\"COMPLETED\"},\"operation\":{\"location\":"
                        + "\"file:/sp/savepoint-5b3a0d-1\"}}");

        assertThat(rest.savepoint(JOB, "t1"))
                .isEqualTo(
                        new SavepointStatus(true, null, "Checkpoint expired before completing."));
        assertThat(rest.savepoint(JOB, "t2")).isEqualTo(new SavepointStatus(false, null, null));
        assertThat(rest.savepoint(JOB, "t3"))
                .isEqualTo(new SavepointStatus(true, "file:/sp/savepoint-5b3a0d-1", null));
    }

    @Test
    void readsTheLatestCheckpointSavepointAndRestore() {
        flink.on(
                "GET /jobs/" + JOB + "/checkpoints",
                "{\"counts\":{\"restored\":1,\"total\":60,\"in_progress\":1,\"completed\":57,"
                        + "\"failed\":2},\"latest\":{\"completed\":{\"id\":57,"
                        + "\"latest_ack_timestamp\":1000,\"state_size\":2048,"
                        + "\"checkpointed_size\":512,\"external_path\":\"file:/c/chk-57\"},"
                        + "\"savepoint\":null,\"failed\":null,\"restored\":{\"id\":12,"
                        + "\"external_path\":\"file:/sp/savepoint-1\",\"is_savepoint\":true}}}");

        CheckpointStats stats = rest.checkpoints(JOB);

        assertThat(stats.completed()).isEqualTo(57);
        assertThat(stats.failed()).isEqualTo(2);
        assertThat(stats.inProgress()).isEqualTo(1);
        assertThat(stats.latest())
                .isEqualTo(new FlinkRest.Checkpoint(57, 1000, 2048, 512, "file:/c/chk-57"));
        assertThat(stats.latestSavepoint()).isNull();
        assertThat(stats.restoredFrom()).isEqualTo("file:/sp/savepoint-1");
    }

    @Test
    void anUploadedJarIsKnownByTheFileNameFlinkStoredItUnder() throws IOException {
        Path jar = Files.write(dir.resolve("syncline-jobs-job.jar"), new byte[] {1, 2, 3});
        flink.on(
                "POST /jars/upload",
                "{\"filename\":\"/tmp/flink-web-upload/4f3c_syncline-jobs-job.jar\","
                        + "\"status\":\"success\"}");

        assertThat(rest.uploadJar(jar)).isEqualTo("4f3c_syncline-jobs-job.jar");
    }
}

package io.syncline.jobs.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.jobs.ops.FlinkRest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Starts the standalone session cluster of {@code deploy/local/cluster.sh} (a JobManager and two
 * TaskManagers, each its own JVM) on free ports, uploads the shaded job jar through the REST API
 * and stops the cluster again. Runs in the {@code package} phase, after the job jar is built (see
 * {@code jobs/pom.xml}).
 */
class LocalClusterITCase {

    @Test
    void startsTwoTaskManagersAcceptsTheJobJarAndStopsCleanly() throws Exception {
        Path jobJar = LocalCluster.jobJar();
        try (LocalCluster cluster = LocalCluster.start("LocalClusterITCase", 1)) {
            assertThat(cluster.pids())
                    .containsOnlyKeys("jobmanager", "taskmanager-1", "taskmanager-2");
            assertThat(cluster.get("/overview").path("slots-total").asInt()).isEqualTo(4);
            // The TaskManagers' resource ids are their pid files' names.
            assertThat(cluster.get("/taskmanagers").path("taskmanagers"))
                    .extracting(taskManager -> taskManager.path("id").asText())
                    .containsExactlyInAnyOrder("taskmanager-1", "taskmanager-2");

            String jarId = new FlinkRest(cluster.rest()).uploadJar(jobJar);

            JsonNode jars = cluster.get("/jars").path("files");
            assertThat(jars).hasSize(1);
            assertThat(jars.get(0).path("id").asText()).isEqualTo(jarId);
            assertThat(jars.get(0).path("name").asText())
                    .isEqualTo(jobJar.getFileName().toString());
            assertThat(jars.get(0).path("entry").get(0).path("name").asText())
                    .isEqualTo("io.syncline.jobs.cli.SynclineCli");

            cluster.addTaskManager();
            cluster.awaitTaskManagers(3);
            assertThat(cluster.pids()).containsKey("taskmanager-3");

            cluster.stop();
        }
    }
}

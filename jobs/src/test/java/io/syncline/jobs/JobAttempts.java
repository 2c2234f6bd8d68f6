package io.syncline.jobs;

import io.syncline.embedded.PostgresExtension;
import java.time.Duration;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;

/** What a job on a MiniCluster went through, read off its execution graph. */
public final class JobAttempts {

    private JobAttempts() {}

    /** Restarts of the job: how often its tasks were deployed again. */
    public static long restarts(MiniCluster cluster, JobID job) throws Exception {
        AccessExecutionGraph graph = cluster.getExecutionGraph(job).get();
        long restarts = 0;
        for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
            restarts = Math.max(restarts, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return restarts;
    }

    /**
     * Makes {@code database} on {@code postgres} refuse connections, and closes those open, until
     * Flink has restarted {@code job} (its writers to the database fail) at least once more.
     */
    public static void restartByRefusingConnections(
            PostgresExtension postgres, String database, MiniCluster cluster, JobID job)
            throws Exception {
        long before = restarts(cluster, job);
        postgres.execute("postgres", "ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
        try {
            postgres.execute(
                    "postgres",
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                            + database
                            + "'");
            Poll.until(
                    Duration.ofMinutes(3),
                    "the job to restart while " + database + " refuses connections",
                    () -> restarts(cluster, job) > before);
        } finally {
            postgres.execute("postgres", "ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
        }
    }

    /** Where the checkpoint the job last restored lies, or null when it restored none. */
    public static String restoredCheckpoint(MiniCluster cluster, JobID job) throws Exception {
        RestoredCheckpointStats restored =
                cluster.getExecutionGraph(job)
                        .get()
                        .getCheckpointStatsSnapshot()
                        .getLatestRestoredCheckpoint();
        return restored == null ? null : restored.getExternalPath();
    }

    /** Checkpoints of the job that completed. */
    public static long completedCheckpoints(MiniCluster cluster, JobID job) throws Exception {
        return cluster.getExecutionGraph(job)
                .get()
                .getCheckpointStatsSnapshot()
                .getCounts()
                .getNumberOfCompletedCheckpoints();
    }
}

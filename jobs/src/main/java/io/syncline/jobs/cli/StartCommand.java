package io.syncline.jobs.cli;

import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.ops.ClusterException;
import io.syncline.jobs.ops.ClusterJobs;
import io.syncline.jobs.ops.FlinkRest.JobDetails;
import io.syncline.jobs.ops.FlinkRest.JobSummary;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;

/**
 * {@code syncline submit} and {@code syncline resume}: check the configuration here, upload the job
 * jar, run it on the cluster (from a savepoint or retained checkpoint, if given) and wait until the
 * job runs.
 */
abstract class StartCommand extends ClusterCommand {

    @Mixin LaunchOptions launch;

    /** The savepoint or retained checkpoint to start from, {@code null} to start empty. */
    abstract String from();

    @Override
    void checkArguments() {
        launch.check(spec);
    }

    @Override
    int run(ClusterJobs cluster) {
        SynclineConfig config = launch.validate();
        print("config", launch.describe(config));
        String restore = from() == null ? null : LaunchOptions.restorePath(from());
        if (restore != null) {
            LaunchOptions.checkRestore(config, restore);
            print("restore", restore + " (the sources' replication slots are there)");
        }
        String name = config.job().name();
        List<JobSummary> running =
                cluster.rest().jobs().stream()
                        .filter(j -> j.name().equals(name) && !j.ended())
                        .toList();
        if (!running.isEmpty()) {
            JobSummary job = running.get(0);
            throw new ClusterException(
                    "job "
                            + ClusterJobs.describe(job)
                            + " is already "
                            + job.state()
                            + " on "
                            + cluster.rest().url()
                            + "; two jobs of one name would share its replication slots and Kafka"
                            + " transactions. Replace it with syncline upgrade, or stop it first"
                            + " with: syncline stop --savepoint --job "
                            + job.id());
        }
        Path jar = launch.jarFile();
        String jarId = cluster.rest().uploadJar(jar);
        print("jar", jar.toAbsolutePath().normalize() + " (uploaded)");
        String jobId =
                cluster.run(
                        jarId, launch.programArguments(), restore, launch.allowNonRestoredState);
        print("job id", jobId);
        JobDetails job = cluster.awaitRunning(jobId, timeout());
        print("state", describeRunning(job));
        print("web UI", cluster.rest().webUi(jobId));
        return 0;
    }

    /** "RUNNING, 12 tasks, parallelism 2" */
    static String describeRunning(JobDetails job) {
        return job.state()
                + ", "
                + TableSubcommand.plural(job.vertices().size(), "task")
                + ", parallelism "
                + job.vertices().stream().mapToInt(v -> v.parallelism()).max().orElse(0);
    }
}

package io.syncline.jobs.cli;

import io.syncline.jobs.ops.ClusterJobs;
import io.syncline.jobs.ops.FlinkRest.JobSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code syncline savepoint}: takes a savepoint of the running job, which keeps running. */
@Command(
        name = "savepoint",
        description =
                "Take a savepoint of the running sync job (canonical format); the job keeps"
                        + " running. Prints the savepoint's path.",
        sortOptions = false)
final class SavepointCommand extends ClusterCommand {

    @Mixin JobOptions job;

    @Option(
            names = "--dir",
            paramLabel = "<directory>",
            description =
                    "Where to write it: a URI the cluster can write (file:///..., s3://...), or a"
                            + " path on this machine. Default: the cluster's savepoint directory"
                            + " (execution.checkpointing.savepoint-dir).")
    String directory;

    @Override
    int run(ClusterJobs cluster) {
        JobSummary selected = job.select(cluster, true);
        print("job", ClusterJobs.describe(selected));
        String path =
                cluster.savepoint(
                        selected.id(), directory == null ? null : clusterUri(directory), timeout());
        print("savepoint", path);
        print("state", "RUNNING (a savepoint does not stop the job)");
        return 0;
    }
}

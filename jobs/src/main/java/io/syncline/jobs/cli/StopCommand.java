package io.syncline.jobs.cli;

import io.syncline.jobs.ops.ClusterJobs;
import io.syncline.jobs.ops.FlinkRest.JobSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code syncline stop --savepoint}: stops the running job with a savepoint, from which {@code
 * syncline resume} starts it again. Stopping without one (cancel) is left to Flink's own tools on
 * purpose.
 */
@Command(
        name = "stop",
        description =
                "Stop the running sync job with a savepoint (Kafka transactions committed, no"
                        + " drain: windows and timers stay in the savepoint). Prints the"
                        + " savepoint's path; syncline resume --from it starts the job again.",
        sortOptions = false)
final class StopCommand extends ClusterCommand {

    @Option(
            names = "--savepoint",
            required = true,
            description =
                    "Stop with a savepoint (required: syncline only stops that way; a cancel"
                            + " from the web UI keeps the last retained checkpoint).")
    boolean savepoint;

    @Mixin JobOptions job;

    @Option(
            names = "--dir",
            paramLabel = "<directory>",
            description =
                    "Where to write the savepoint: a URI the cluster can write, or a path on"
                            + " this machine. Default: the cluster's savepoint directory.")
    String directory;

    @Override
    int run(ClusterJobs cluster) {
        JobSummary selected = job.select(cluster, true);
        print("job", ClusterJobs.describe(selected));
        String path =
                cluster.stop(
                        selected.id(), directory == null ? null : clusterUri(directory), timeout());
        print("savepoint", path);
        print("state", "FINISHED");
        print(
                "resume",
                "syncline resume --from " + path + " --config <configuration> [--jar <job jar>]");
        return 0;
    }
}

package io.syncline.jobs.cli;

import io.syncline.jobs.ops.ClusterJobs;
import picocli.CommandLine.Command;
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
final class StopCommand extends SavepointTakingCommand {

    @Option(
            names = "--savepoint",
            required = true,
            description =
                    "Stop with a savepoint (required: syncline only stops that way; a cancel"
                            + " from the web UI keeps the last retained checkpoint).")
    boolean savepoint;

    @Override
    String takeSavepoint(ClusterJobs cluster, String jobId, String directory) {
        return cluster.stop(jobId, directory, timeout());
    }

    @Override
    void printAfter(String path) {
        print("state", "FINISHED");
        print(
                "resume",
                "syncline resume --from " + path + " --config <configuration> [--jar <job jar>]");
    }
}

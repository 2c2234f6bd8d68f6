package io.syncline.jobs.cli;

import io.syncline.jobs.ops.ClusterJobs;
import picocli.CommandLine.Command;

/** {@code syncline savepoint}: takes a savepoint of the running job, which keeps running. */
@Command(
        name = "savepoint",
        description =
                "Take a savepoint of the running sync job (canonical format); the job keeps"
                        + " running. Prints the savepoint's path.",
        sortOptions = false)
final class SavepointCommand extends SavepointTakingCommand {

    @Override
    String takeSavepoint(ClusterJobs cluster, String jobId, String directory) {
        return cluster.savepoint(jobId, directory, timeout());
    }

    @Override
    void printAfter(String path) {
        print("state", "RUNNING (a savepoint does not stop the job)");
    }
}

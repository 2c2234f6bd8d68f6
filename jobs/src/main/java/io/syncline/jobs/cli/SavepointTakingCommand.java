package io.syncline.jobs.cli;

import io.syncline.jobs.ops.ClusterJobs;
import io.syncline.jobs.ops.FlinkRest.JobSummary;
import picocli.CommandLine.Mixin;

/**
 * The common part of {@code syncline savepoint} and {@code syncline stop --savepoint}: pick the
 * running job, take its savepoint, print where it is.
 */
abstract class SavepointTakingCommand extends ClusterCommand {

    @Mixin JobOptions job;

    @Mixin JobConfigOption config;

    @Mixin SavepointDirOption directory;

    @Override
    final int run(ClusterJobs cluster) {
        JobSummary selected = job.select(cluster, config.jobName(), true);
        print("job", ClusterJobs.describe(selected));
        String path = takeSavepoint(cluster, selected.id(), directory.uri());
        print("savepoint", path);
        printAfter(path);
        return 0;
    }

    /**
     * Takes the savepoint and waits for it.
     *
     * @param directory where to write it, {@code null} for the cluster's default
     * @return its path
     */
    abstract String takeSavepoint(ClusterJobs cluster, String jobId, String directory);

    /** Prints what follows from the savepoint at {@code path}. */
    abstract void printAfter(String path);
}

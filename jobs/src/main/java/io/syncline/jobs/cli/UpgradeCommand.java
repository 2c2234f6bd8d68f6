package io.syncline.jobs.cli;

import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.ops.ClusterException;
import io.syncline.jobs.ops.ClusterJobs;
import io.syncline.jobs.ops.FlinkRest.JobDetails;
import io.syncline.jobs.ops.FlinkRest.JobSummary;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

/**
 * {@code syncline upgrade}: replaces the running job with a new jar and configuration, keeping all
 * state: stop with a savepoint, start the new version from it. Nothing is stopped unless the new
 * configuration checks out and the new jar is uploaded, and the old job keeps running if its
 * savepoint fails.
 */
@Command(
        name = "upgrade",
        description =
                "Replace the running sync job with a new version: check the new configuration,"
                        + " upload the new jar, stop the old job with a savepoint and start the"
                        + " new one from it. If the savepoint fails the old job keeps running"
                        + " and nothing is started. Roll back with: syncline resume --from"
                        + " <savepoint> --config <old> --jar <old jar>.",
        sortOptions = false)
final class UpgradeCommand extends ClusterCommand {

    @Mixin LaunchOptions launch;

    @Mixin JobOptions job;

    @Mixin SavepointDirOption directory;

    @Override
    void checkArguments() {
        launch.check(spec);
        if (launch.jar == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "upgrade needs --jar: the new version's job jar (pass the running one again"
                            + " to change only the configuration)");
        }
    }

    @Override
    int run(ClusterJobs cluster) {
        SynclineConfig config = launch.validate();
        print("config", launch.describe(config));
        JobSummary old = job.select(cluster, config.job().name(), true);
        print("old job", ClusterJobs.describe(old));
        // The slots must outlive the old job for the new one to resume; they do unless dropped.
        LaunchOptions.checkRestore(config, "the savepoint of job " + old.id());
        Path jar = launch.jarFile();
        String jarId = cluster.rest().uploadJar(jar);
        print("new jar", jar.toAbsolutePath().normalize() + " (uploaded)");
        String savepoint;
        try {
            savepoint = cluster.stop(old.id(), directory.uri(), timeout());
        } catch (ClusterException e) {
            ClusterException refused =
                    new ClusterException(
                            e.getMessage()
                                    + "\nupgrade refused: nothing new was started; job "
                                    + old.id()
                                    + " is "
                                    + cluster.rest().job(old.id()).state(),
                            e);
            cluster.discard(jarId, refused);
            throw refused;
        }
        print("savepoint", savepoint);
        String rollBack =
                "syncline resume --from "
                        + savepoint
                        + " --config <old configuration> --jar <old job jar>";
        String newJobId;
        try {
            newJobId =
                    cluster.run(
                            jarId,
                            launch.programArguments(),
                            savepoint,
                            launch.allowNonRestoredState);
        } catch (ClusterException e) {
            throw new ClusterException(
                    "the new version did not start: "
                            + e.getMessage()
                            + "\nthe old job "
                            + old.id()
                            + " is stopped, its state is in "
                            + savepoint
                            + "; fix the cause and run: syncline resume --from "
                            + savepoint
                            + " --config "
                            + launch.config
                            + " --jar "
                            + jar
                            + "\nor roll back: "
                            + rollBack,
                    e);
        }
        print("new job id", newJobId);
        JobDetails job = cluster.awaitRunning(newJobId, timeout());
        print("state", StartCommand.describeRunning(job));
        print("web UI", cluster.rest().webUi(newJobId));
        print("roll back", rollBack);
        return 0;
    }
}

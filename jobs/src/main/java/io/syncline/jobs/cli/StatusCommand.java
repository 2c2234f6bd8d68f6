package io.syncline.jobs.cli;

import io.syncline.jobs.ops.ClusterJobs;
import io.syncline.jobs.ops.FlinkRest;
import io.syncline.jobs.ops.FlinkRest.Checkpoint;
import io.syncline.jobs.ops.FlinkRest.CheckpointStats;
import io.syncline.jobs.ops.FlinkRest.JobDetails;
import io.syncline.jobs.ops.FlinkRest.JobSummary;
import io.syncline.jobs.ops.FlinkRest.Vertex;
import io.syncline.jobs.ops.FlinkRest.VertexLoad;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code syncline status}: the job's state, uptime, restarts, last checkpoint and savepoint, and
 * how busy and back-pressured its tasks are; exit code 3 when it is not running.
 */
@Command(
        name = "status",
        description =
                "Show the sync job on the Flink cluster: state, uptime, restarts, the last"
                        + " checkpoint and savepoint, and each task's busy and back-pressured"
                        + " time. Exit code 0 if it is RUNNING, 3 if not, 1 if there is no such"
                        + " job or the cluster cannot be reached.",
        sortOptions = false)
final class StatusCommand extends ClusterCommand {

    /** Exit code of a job that exists but is not RUNNING. */
    static final int NOT_RUNNING = 3;

    private static final int TASK_NAME_WIDTH = 60;

    @Mixin JobOptions job;

    @Mixin JobConfigOption config;

    @Override
    int run(ClusterJobs cluster) {
        FlinkRest rest = cluster.rest();
        JobSummary selected = job.select(cluster, config.jobName(), false);
        JobDetails details = rest.job(selected.id());
        boolean running = details.state().equals("RUNNING");
        print("job", ClusterJobs.describe(selected));
        print("state", state(details));
        OptionalLong restarts = rest.restarts(details.id());
        print("restarts", restarts.isPresent() ? String.valueOf(restarts.getAsLong()) : "-");
        CheckpointStats checkpoints = rest.checkpoints(details.id());
        print(
                "checkpoints",
                checkpoints.completed()
                        + " completed, "
                        + checkpoints.failed()
                        + " failed, "
                        + checkpoints.inProgress()
                        + " in progress");
        print("last checkpoint", checkpoint(checkpoints.latest(), details.now()));
        print("last savepoint", checkpoint(checkpoints.latestSavepoint(), details.now()));
        if (checkpoints.restoredFrom() != null) {
            print("restored from", checkpoints.restoredFrom());
        }
        print("web UI", rest.webUi(details.id()));
        out().println();
        printTasks(rest, details, running);
        return running ? 0 : NOT_RUNNING;
    }

    private static String state(JobDetails job) {
        String submitted = Instant.ofEpochMilli(job.startTime()).toString();
        if (!job.state().equals("RUNNING") || job.runningSince() == 0) {
            return job.state() + " (submitted " + submitted + ")";
        }
        return job.state()
                + " since "
                + Instant.ofEpochMilli(job.runningSince())
                + " (up "
                + duration(job.now() - job.runningSince())
                + "; submitted "
                + submitted
                + ")";
    }

    private static String checkpoint(Checkpoint checkpoint, long now) {
        if (checkpoint == null) {
            return "none";
        }
        return "#"
                + checkpoint.id()
                + " at "
                + Instant.ofEpochMilli(checkpoint.completedAt())
                + " ("
                + duration(now - checkpoint.completedAt())
                + " ago), "
                + bytes(checkpoint.stateSize())
                + (checkpoint.checkpointedSize() != checkpoint.stateSize()
                        ? " (" + bytes(checkpoint.checkpointedSize()) + " written)"
                        : "")
                + ", "
                + checkpoint.path();
    }

    /** One line per task: parallelism, status, highest busy and back-pressured share. */
    private void printTasks(FlinkRest rest, JobDetails details, boolean running) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("TASK", "PARALLELISM", "STATUS", "BUSY", "BACKPRESSURED"));
        for (Vertex vertex : details.vertices()) {
            VertexLoad load =
                    running
                            ? rest.load(details.id(), vertex)
                            : new VertexLoad(OptionalDouble.empty(), OptionalDouble.empty());
            rows.add(
                    List.of(
                            shortened(vertex.name()),
                            String.valueOf(vertex.parallelism()),
                            vertex.status(),
                            percent(load.busy()),
                            percent(load.backPressured())));
        }
        TableSubcommand.printTable(out(), rows);
        out().println(
                        "(BUSY, BACKPRESSURED: the highest share of the last second among a task's subtasks)");
    }

    /** A task's name cut to one screen column: chained operators make very long ones. */
    private static String shortened(String name) {
        return name.length() <= TASK_NAME_WIDTH
                ? name
                : name.substring(0, TASK_NAME_WIDTH - 3) + "...";
    }

    private static String percent(OptionalDouble share) {
        return share.isPresent() ? Math.round(share.getAsDouble() * 100) + "%" : "-";
    }

    static String duration(long millis) {
        Duration d = Duration.ofMillis(Math.max(0, millis));
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m " + d.toSecondsPart() + "s";
        }
        return d.toSeconds() + "s";
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String units = "KMGT";
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length() - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %sB", value, units.charAt(unit));
    }
}
